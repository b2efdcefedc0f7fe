"""The demo's order service: what a shop's API would answer, so the "Where is my order?"
workflow looks orders up end to end under ``make run``.

It is an ``async`` view on purpose: a portal request waiting on a lookup holds the dev
server's one thread for synchronous views, and a synchronous view here would wait behind
it for ever (a deadlock); async views run on the event loop instead.
"""

from django.http import HttpRequest, JsonResponse

DEMO_ORDERS: dict[str, dict[str, object]] = {
    "1001": {
        "number": "1001", "status": "shipped", "carrier": "DHL", "tracking": "JD0146000031",
        "eta": "in 2 days", "refundable": True,
    },
    "1002": {
        "number": "1002", "status": "delivered", "carrier": "UPS", "tracking": "1Z999AA10123",
        "eta": "delivered last Tuesday", "refundable": True,
    },
    "1003": {
        "number": "1003", "status": "processing", "carrier": "", "tracking": "",
        "eta": "ships within 24 hours", "refundable": False,
    },
}  # fmt: skip


async def demo_order(request: HttpRequest, number: str) -> JsonResponse:
    order = DEMO_ORDERS.get(number)
    if order is None:
        return JsonResponse({"detail": f"No order {number}."}, status=404)
    return JsonResponse(order)
