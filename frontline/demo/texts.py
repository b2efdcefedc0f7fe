"""What people write in the demo: per category, the first message, questions, answers and
internal notes; and the replies any conversation uses.

Texts are kept as prose blocks: a line ``# kind`` (or ``# opening: Subject``) starts an
entry and the lines under it, joined, are its body. ``{placeholders}`` are filled per
ticket from ``VARIABLES`` and the people involved.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    kind: str
    title: str
    body: str


def entries(block: str) -> tuple[Entry, ...]:
    found: list[Entry] = []
    kind, title, lines = "", "", list[str]()
    for raw in [*block.strip().splitlines(), "# end"]:
        line = raw.strip()
        if line.startswith("# "):
            if kind:
                found.append(Entry(kind, title, " ".join(lines)))
            kind, _, title = line[2:].partition(":")
            kind, title, lines = kind.strip(), title.strip(), []
        elif line:
            lines.append(line)
    return tuple(found)


@dataclass(frozen=True)
class CategoryTexts:
    slug: str
    name: str
    team: str
    weight: float
    tags: tuple[str, ...]
    product_areas: tuple[str, ...]
    texts: tuple[Entry, ...]

    def of(self, kind: str) -> tuple[Entry, ...]:
        return tuple(e for e in self.texts if e.kind == kind)


def _category(
    slug: str, name: str, team: str, weight: float, tags: str, areas: str, block: str
) -> CategoryTexts:
    areas_tuple = tuple(a.strip() for a in areas.split(",") if a.strip())
    return CategoryTexts(slug, name, team, weight, tuple(tags.split()), areas_tuple, entries(block))


BILLING = _category(
    "billing",
    "Billing and payments",
    "billing",
    17,
    "invoice refund vat card-declined plan-change payout",
    "",
    """
    # opening: Charged twice for the {plan} plan this month
    I was charged {amount} twice on the card ending {last4} for our {plan} subscription this
    month. Could you refund the duplicate charge?
    # opening: Invoice {invoice} has the wrong VAT number
    Invoice {invoice} shows an old VAT number for {company}. Our accountant needs a corrected
    invoice before the end of the month.
    # opening: Refund for cancelled order {order}
    We cancelled order {order} the same day we placed it, but the {amount} has not come back
    to our account yet.
    # opening: Payout for {weekday} is missing
    Our card takings from {weekday} ({amount}) have not arrived in the bank. Other days paid
    out as normal.
    # opening: How do I switch to annual billing?
    We would like to move {company} from monthly to annual billing on the {plan} plan. Is
    there a discount, and when would it start?
    # opening: Card declined when renewing our subscription
    The renewal of our {plan} subscription failed and the dashboard says the card ending
    {last4} was declined. The card works everywhere else.
    # opening: Unexpected fee on the latest invoice
    Invoice {invoice} has a line called "terminal service fee" for {amount} that we have
    never seen before. What is it for?
    # opening: Copies of last quarter's invoices
    Could you send PDF copies of all our invoices from last quarter? The download button in
    Billing gives me an empty file.
    # ask
    Could you send me the last four digits of the card and the date the charge appeared on
    your statement? Then I can match it on our side.
    # ask
    Which email address should receive the corrected invoice, and should the company
    address change as well?
    # ask
    Could you confirm the bank account the payout should have gone to (the last four digits
    are enough)?
    # answer
    I found the duplicate charge: it came from a retry during a bank outage. I have refunded
    {amount} to the card ending {last4}; it usually shows within 3 to 5 working days.
    # answer
    I have reissued invoice {invoice} with the correct VAT number. It is under Billing >
    Invoices, and a copy is on its way to your inbox.
    # answer
    The payout was held for a routine check and has now been released. It should reach your
    bank by the next working day.
    # answer
    Annual billing starts at your next renewal and includes two months free. I have switched
    {company} over; there is nothing else to do on your side.
    # note
    Checked the payments ledger: the second charge was a gateway retry, not a new order.
    # note
    VAT number on file was last changed two years ago. Asked them to update Settings >
    Company too.
    # note
    Payout held by risk review (new bank account). Owner matches, released.
    """,
)

LOGIN = _category(
    "login-account",
    "Login and account",
    "tier-1",
    15,
    "password-reset 2fa sso locked-out user-management",
    "",
    """
    # opening: Can't log in to the dashboard
    Since this morning I get "invalid credentials" when I log in, even after resetting my
    password twice. I am using {browser}.
    # opening: Locked out after too many attempts
    One of our staff tried the wrong PIN too many times and now the account is locked. We
    need it back before the lunch rush.
    # opening: Two-factor codes not arriving
    I am not receiving the text message with the two-factor code. My phone number has not
    changed.
    # opening: Please remove a former employee
    Someone who used to work at {location} still has a login. Please remove their access as
    soon as possible.
    # opening: Change the account owner's email
    Our owner is leaving {company}. How do we move the account to a new owner email address?
    # opening: Single sign-on loops back to the login page
    When we sign in with single sign-on the page loops back to the login screen. It started
    after we changed our identity provider settings.
    # opening: Password reset email never arrives
    I requested a password reset three times but the email never arrives, not even in spam.
    # ask
    Could you tell me the email address of the login and roughly when you last signed in
    successfully?
    # ask
    Could you send a screenshot of the error, and tell me whether it also happens in a
    private browser window?
    # ask
    To protect the account the request has to come from the account owner. Could the owner
    reply to this email to confirm?
    # answer
    I have unlocked the account and sent a fresh password reset link. The link is valid for
    one hour.
    # answer
    Your single sign-on settings still had the old certificate. I have cleared it; please
    sign in again and it should go straight through.
    # answer
    Texts to your carrier were delayed, so I have added authenticator-app codes as a backup.
    You can set it up under Settings > Security.
    # answer
    The former employee's login is removed and their open sessions are signed out.
    # note
    Verified the owner's identity by phone before unlocking.
    # note
    SSO: the identity provider sent the old signing certificate. Cleared cached metadata.
    # note
    Reset emails bounced off the customer's mail filter; they added us to the allow list.
    """,
)

HOW_TO = _category(
    "how-to",
    "How-to question",
    "tier-1",
    19,
    "how-to onboarding reports menu-setup",
    "Dashboard, Inventory, Mobile app, Terminals",
    """
    # opening: How do I add tips to card payments?
    We want customers to add a tip on the terminal when they pay by card. Where do I switch
    that on?
    # opening: Setting up a second location
    We are opening {location} next month. How do I add it so its reports are kept separate?
    # opening: Export sales by item for our accountant
    Our accountant needs the {report} for last month as a spreadsheet. Where can I download
    it?
    # opening: Change prices for the whole menu at once
    We are raising prices by 5% on everything. Is there a way to do that without editing
    {n} items one by one?
    # opening: Printing receipts in Portuguese
    Some of our staff and customers prefer Portuguese. Can receipts print in another
    language?
    # opening: Can staff clock in on the terminal?
    Can staff clock in and out on the {device} so we see their hours in the {report}?
    # opening: Where do refunds show up in reports?
    When we refund a card payment on the terminal, where does it show up in the {report}?
    # opening: Setting up table numbers
    We just started table service. How do I set up table numbers so orders show which table
    they are for?
    # ask
    Which device do you use at the counter: the {device} or the mobile app?
    # ask
    Are you on the {plan} plan? Some of these options depend on it.
    # answer
    You can switch that on under Settings > Payments > Tipping. Choose the suggested
    percentages and they appear on every terminal after the next sync.
    # answer
    Go to Reports > Sales by item, pick the dates and press Export. The file opens in any
    spreadsheet program.
    # answer
    Add the new site under Settings > Locations. Each location gets its own reports and you
    can still see totals across all of them.
    # answer
    Use Items > Bulk edit, select all items and choose "Adjust price by percentage". You can
    preview the change before saving.
    # note
    New merchant: sent the onboarding guide as well.
    # note
    This comes up a lot; we should link the help-centre article from the dashboard.
    """,
)

BUG = _category(
    "bug",
    "Bug report",
    "tier-2",
    13,
    "bug terminal mobile-app dashboard regression sync",
    "Terminals, Dashboard, Mobile app, Inventory",
    """
    # opening: {device} freezes when printing receipts
    Our {device} freezes every time it prints a receipt longer than a few items. We have to
    restart it, which takes about two minutes.
    # opening: Sales report shows the wrong totals
    The {report} for {weekday} shows {amount} but the terminal's end-of-day total is
    different. Which one is right?
    # opening: Error {error} when syncing the menu
    When I press Sync on the {device} I get error {error}. The menu on the terminal is now
    out of date.
    # opening: Mobile app crashes on startup
    Since yesterday's update the mobile app crashes as soon as it opens. I have reinstalled
    it twice.
    # opening: Stock levels go negative after refunds
    When we refund an item the stock count goes down instead of up. We now have negative
    stock for {n} items.
    # opening: Card reader disconnects every few minutes
    The card reader on the {device} at {location} keeps losing its Bluetooth connection and
    customers have to wait.
    # opening: Dashboard shows a blank page in {browser}
    The dashboard loads a blank white page in {browser}. It works on my phone.
    # opening: Discounts applied twice
    Happy-hour discounts are applied twice on some orders, so we are undercharging.
    # ask
    Could you tell me the serial number of the terminal (on the sticker underneath) and the
    software version under Settings > About?
    # ask
    Does it happen on every terminal or only one? A photo of the screen when it happens
    would help a lot.
    # ask
    Could you send me the number of one affected sale so I can find it in our logs?
    # answer
    This is a known issue in the last terminal update. The fix ships in tonight's release
    and the terminal installs it automatically.
    # answer
    I could reproduce it, and I have corrected the totals for the affected days. The report
    now matches the end-of-day figures.
    # answer
    Please update the mobile app to the latest version; the crash was fixed in this
    morning's release.
    # note
    Reproduced on a test terminal with the same firmware. Logs attached to the engineering
    issue.
    # note
    The refund path decrements stock instead of incrementing it. Needs Tier 3.
    # note
    Only terminals on the previous firmware are affected; this one had auto-update off.
    """,
)

FEATURE = _category(
    "feature-request",
    "Feature request",
    "tier-1",
    6,
    "feature-request feedback",
    "Dashboard, Mobile app, Inventory, Payments",
    """
    # opening: Feature request: {feature}
    It would really help {company} if Brightline supported {feature}. Today we work around
    it with paper notes.
    # opening: Any plans for {feature}?
    Is {feature} on your roadmap? Our old system had it and our staff keep asking.
    # opening: Suggestion: export to {integration}
    Could you add a direct export to {integration}? Right now we copy the numbers by hand
    every week.
    # ask
    Could you tell me a little more about how you would use it day to day?
    # answer
    Thank you, I have passed this to our product team with your use case. I cannot promise
    a date, but requests like yours decide what gets built next.
    # answer
    Good news: {feature} is in beta. I have switched it on for {company}; let me know what
    you think.
    # note
    Added +1 for {feature} on the product board.
    """,
)

OUTAGE = _category(
    "outage",
    "Outage",
    "tier-2",
    2,
    "outage incident",
    "Payments, Terminals, Dashboard",
    """
    # opening: Card payments failing on all terminals
    None of our terminals can take card payments right now. Cash only. Is something down?
    # opening: Dashboard is down
    The dashboard returns an error and we cannot see today's orders. Is there an outage?
    # opening: Terminals offline at {location}
    All terminals at {location} say "offline" although the internet works. We are losing
    sales.
    # ask
    Is the terminal showing an error code on screen?
    # answer
    Service is back to normal. Please restart the terminal if it still says offline.
    # note
    Nothing on the status page yet. Paged the on-call engineer.
    """,
)

SHIPPING = _category(
    "shipping-order",
    "Shipping and orders",
    "tier-1",
    12,
    "shipping delayed damaged return tracking",
    "",
    """
    # opening: Where is my order {order}?
    We ordered two receipt printers and paper rolls ({order}) ten days ago and they have not
    arrived. Tracking has not changed since {weekday}.
    # opening: {device} arrived damaged
    The {device} from order {order} arrived with a cracked screen, and the box was dented.
    Can you send a replacement?
    # opening: Returning a terminal we don't need
    We ordered one {device} too many in order {order}. How do we send it back for a refund?
    # opening: Wrong item in order {order}
    We received card reader cases instead of the receipt paper we ordered in {order}.
    # opening: Change the delivery address for {order}
    Could you ship order {order} to {location} instead? The original address is closed on
    Mondays.
    # opening: Tracking link doesn't work
    The tracking link in the shipping email for {order} gives an error on the courier's
    site.
    # ask
    Could you send a photo of the damage and of the shipping label? I will arrange the
    replacement straight away.
    # ask
    Could you confirm the delivery address and a phone number the courier can call?
    # answer
    The courier confirmed the parcel was held at the depot. It is out for delivery today and
    should reach you by 6 pm.
    # answer
    A replacement {device} is on its way by express delivery. The courier will collect the
    damaged one at the same time.
    # answer
    I have created a return label for order {order}; it is in your inbox. The refund goes
    out when the parcel reaches our warehouse.
    # note
    Courier claim opened for the damaged parcel.
    # note
    Warehouse confirms a picking error on {order}; correct items go out today.
    """,
)

INTEGRATIONS = _category(
    "integrations",
    "Integrations and API",
    "tier-2",
    8,
    "api integration webhooks accounting-sync",
    "Integrations",
    """
    # opening: {integration} sync stopped yesterday
    Our sales stopped syncing to {integration} yesterday afternoon. Nothing has changed on
    our side.
    # opening: API returns 429 Too Many Requests
    Our order system calls your API every few seconds and since {weekday} we get 429
    errors. What are the limits?
    # opening: Webhooks not delivered
    We stopped receiving order webhooks. Our endpoint is up and answers 200 to our own
    tests.
    # opening: Connect {integration} to two locations
    We want {integration} to receive sales from {location} as well. Is that possible with
    one connection?
    # opening: API key stopped working
    Our API key worked fine and now every request returns 401. We did not rotate it.
    # ask
    Could you send the time of one failed request (with time zone) and the request ID from
    the response headers?
    # ask
    Which account did you connect to {integration}? The connection may need to be
    authorised again.
    # answer
    The {integration} connection had expired after their security update. I have
    reconnected it and backfilled the missing days.
    # answer
    Your integration hits the per-minute limit during busy hours. I have raised the limit;
    webhooks would also save you from polling.
    # answer
    Webhook deliveries were paused after repeated timeouts from your endpoint. I have
    switched them back on and redelivered everything since {weekday}.
    # note
    Their endpoint took over 10 s to answer during the lunch peak, so deliveries paused.
    # note
    The audit log shows an admin on their side revoked the key.
    """,
)

CATEGORIES = (BILLING, LOGIN, HOW_TO, BUG, FEATURE, OUTAGE, SHIPPING, INTEGRATIONS)

CUSTOM_FIELDS = (
    ("order_number", "Order number", "text", ()),
    (
        "product_area",
        "Product area",
        "choice",
        ("Terminals", "Dashboard", "Mobile app", "Payments", "Inventory", "Integrations"),
    ),
    ("refund_amount", "Refund amount", "number", ()),
)

INCIDENTS = entries(
    """
    # opening: Card payments failing on all terminals
    Card payments failed for some merchants because of an outage at our card processor.
    Payments have worked normally again for the last half hour.
    # opening: Dashboard unavailable in Europe
    The dashboard was unavailable in Europe after a faulty deployment. We rolled it back and
    everything works again.
    # opening: Terminals stuck on "syncing"
    A database failover delayed terminal syncs. All terminals have caught up and no sales
    were lost.
    # opening: Login failures through single sign-on
    Single sign-on failed because a certificate expired on our side. It has been renewed.
    """
)

INCIDENT_REPORTS = (
    "Payments not going through",
    "Is Brightline down?",
    "Terminals showing an error",
    "Urgent: we can't take orders",
    "System not working at {location}",
    "Everything is offline",
)

VARIABLES = {
    "plan": ("Starter", "Growth", "Pro"),
    "device": ("Brightline Go", "Brightline Counter", "Brightline Kiosk", "Brightline Mini"),
    "browser": ("Chrome", "Safari", "Firefox", "Edge"),
    "feature": (
        "split bills",
        "loyalty stamps",
        "table plans",
        "gift cards",
        "offline card payments",
        "multi-location reports",
        "kitchen display screens",
    ),
    "report": ("end-of-day report", "sales-by-item export", "VAT summary", "staff hours report"),
    "integration": ("Shopify", "QuickBooks", "Xero", "Zapier", "Deliveroo"),
    "location": ("our second shop", "the downtown location", "the airport kiosk", "our new café"),
    "weekday": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"),
}
