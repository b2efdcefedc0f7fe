def test_agent_opens_ticket_through_api(agent, api_as):
    response = api_as(agent).post(
        "/api/v1/tickets",
        {"subject": "Printer on fire", "body": "Help", "customer": {"email": "x@example.test"}},
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "new"
