"""Demo articles: internal playbooks, for agents only."""
# ruff: noqa: E501, RUF001 - help-centre prose, one paragraph a line

BLOCK = r"""
=== internal / Escalations / internal / outage escalation
Escalating a suspected outage
Treat it as a possible outage when three or more merchants in 15 minutes report the same failure (payments, sync, dashboard), or one enterprise merchant reports all terminals down.

1. Check the monitoring board and status page first; if an incident is open, link the tickets to it as children and use the incident macro.
2. Otherwise page the on-call engineer from the **#incidents** channel with the `/page payments` command. Include ticket numbers, merchant IDs, regions and the first report time.
3. Open an incident ticket, set priority **Urgent**, and post the first status page update within 15 minutes ("Investigating").
4. Reply to each affected merchant with the outage macro. Do not promise a fix time.

=== internal / Accounts / internal / security verification
Verifying account ownership before changes
Before changing an owner email, bank account, two-factor or SSO settings, verify the caller:

1. The request comes from the owner's email address on file, **and**
2. they answer two of: the last four digits of the bank account, the amount of the last invoice, the date the account was opened.

A request from any other address needs a signed letter on company letterhead and a copy of a director's ID, checked against the company register. Never verify on the phone or chat alone. Note the checks you did as an internal note on the ticket.

=== internal / Billing / internal / credit goodwill billing
Issuing goodwill credits
Associates may credit up to €50 per merchant per quarter without approval; engineers up to €200; anything above needs a supervisor.

- Use credits for our mistakes (double charges, a missed delivery date, an outage longer than an hour), not to settle a disagreement about the price.
- Add the credit in the billing system under **Adjustments → Credit**, with the ticket number as reference.
- Tell the merchant the amount and that it appears on the next invoice.

=== internal / Billing / internal / chargeback billing
Handling chargebacks
When a cardholder disputes a payment, the merchant has seven days to answer through **Orders → Disputes**.

1. Explain to the merchant what evidence helps: the receipt, proof of delivery, the signed order, CCTV timestamps for card-present payments.
2. Do not upload evidence on their behalf; it must come from the merchant's account.
3. The chargeback fee is refunded automatically if the dispute is won.

If one merchant receives more than five disputes in a month, tag the ticket `risk-review` and assign it to the risk team.

=== internal / Billing / internal / refund billing duplicate
Handling a duplicate charge
1. In the billing system, open the merchant and compare the two payments: same invoice number and amount means a real duplicate.
2. If real, refund the later payment with **Refund → Duplicate**. It reaches the merchant in 3–5 business days.
3. If not (subscription vs. card fees, a pro-rata upgrade), explain each line with the *Charged twice* article.

Tag the ticket `refund` and `double-charge`. If more than three merchants report duplicates on the same day, escalate to billing engineering: it may be a retry bug.

=== internal / Escalations / internal / rma hardware damaged
Replacing a damaged device (RMA)
1. Ask for photos and the serial number. Photos of the box matter for the carrier claim.
2. Create the RMA in the hardware portal; choose **Advance replacement** for merchants with one terminal or any enterprise merchant.
3. Send the merchant the RMA number and the prepaid return label from the portal.

Devices more than two years old are out of warranty: offer the upgrade discount instead. Liquid damage is not covered, but supervisors may approve one goodwill replacement per merchant.

=== internal / Accounts / internal / sso enterprise escalation / stale
Dealing with SSO loops for enterprise customers
Most loops come from a mismatch between the NameID the identity provider sends and the user's email.

1. Ask the customer's IT for a SAML trace (the browser extension "SAML-tracer").
2. Compare the NameID and the `email` attribute with the Brightline user's email: case and aliases count.
3. Check the certificate fingerprint in **Admin → SSO** against their metadata.

If it still loops, escalate to the identity team with the trace attached. Never turn off SSO enforcement for an enterprise account without the owner's written request.

=== internal / Escalations / internal / tone upset
Tone guide for upset customers
- Start with the problem, not with an apology formula: "Your payout for Monday has not arrived and I can see why."
- Say what you will do and when you will write again. Then do it.
- Don't argue about whose fault it was. Explain what happened in one or two plain sentences.
- Avoid "unfortunately", "as per our policy" and exclamation marks.
- If the customer is abusive, say once that you want to help and will continue by email, and tell your supervisor.

=== internal / Escalations / internal / security incident escalation
Security incident first response
Treat as a security incident: a merchant reports sign-ins they did not make, refunds they did not issue, or a changed bank account.

1. Lock the account's dashboard sessions (**Admin → Security → Sign out everywhere**) and hold payouts.
2. Page security on-call with `/page security`.
3. Tell the merchant to reset their password and turn on two-factor; do not discuss details of other merchants.
4. Keep everything in the ticket as internal notes, and do not delete anything.

=== internal / Billing / internal / vat invoice billing
VAT corrections in the billing system
1. Check the VAT number in the EU VIES service (or HMRC for UK numbers) and that the business name matches.
2. Update **Billing → Customer → Tax details**.
3. For past invoices, select them and click **Credit and reissue**; the system creates the credit note and the corrected invoice and emails both.

Invoices older than the previous tax year cannot be reissued: tell the merchant to ask their accountant to handle it with a note.
"""
