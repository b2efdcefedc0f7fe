"""Demo articles: orders and shipping, product how-to, troubleshooting, policies, and a few
for chosen organisations."""
# ruff: noqa: E501, RUF001 - help-centre prose, one paragraph a line

BLOCK = r"""
=== orders / Deliveries / public / shipping order
Tracking your hardware order
We ship hardware orders placed before 14:00 on the same business day.

1. Open **Settings → Hardware → Orders**. Each order shows its status: *Received*, *Packed*, *Shipped* or *Delivered*.
2. When it ships you receive an email with the carrier's tracking number.
3. Delivery takes 1–2 business days within the country and 3–5 to the rest of the EU and the UK.

Someone must sign for the parcel. If nobody is there, the carrier leaves a card and tries again the next day.
--- de
Ihre Hardware-Bestellung verfolgen
Bestellungen, die an einem Werktag vor 14:00 Uhr eingehen, versenden wir am selben Tag.

1. Öffnen Sie **Einstellungen → Hardware → Bestellungen**. Jede Bestellung zeigt ihren Status: *Eingegangen*, *Verpackt*, *Versendet* oder *Zugestellt*.
2. Beim Versand erhalten Sie eine E-Mail mit der Sendungsnummer des Paketdienstes.
3. Die Lieferung dauert im Inland 1–2 Werktage, in die übrige EU und nach Großbritannien 3–5.

Jemand muss den Empfang unterschreiben. Ist niemand da, hinterlässt der Paketdienst eine Karte und versucht es am nächsten Tag erneut.

=== orders / Deliveries / public / shipping tracking
Tracking link doesn't work
Carriers activate a tracking number a few hours after they collect the parcel, so a link from the morning may show "not found" until the evening.

- Wait until the next morning and try again.
- Copy the tracking number into the carrier's own website instead of the link.
- If the status has not changed for three business days, contact us with the order number and we will open an investigation with the carrier.

=== orders / Deliveries / public / shipping address
Changing the delivery address of an order
You can change the address until the order is *Packed*.

1. Open **Settings → Hardware → Orders** and pick the order.
2. Click **Change address**, enter the new one and save.

Once the order is packed, contact us as soon as possible: we can often ask the carrier to redirect it, but this can add a day. We cannot deliver to PO boxes.

=== orders / Returns / public / damaged shipping rma
A device arrived damaged
We are sorry. Please do not set up a damaged device.

1. Take photos of the device and of the box, including the shipping label.
2. Send them to us with your order number within 14 days of delivery.
3. We send a replacement the same day, with a prepaid label to return the damaged one.

You do not need to wait for the damaged device to reach us before the replacement ships.
--- de
Ein Gerät kam beschädigt an
Das tut uns leid. Bitte richten Sie ein beschädigtes Gerät nicht ein.

1. Fotografieren Sie das Gerät und den Karton, einschließlich des Versandetiketts.
2. Senden Sie uns die Fotos mit Ihrer Bestellnummer innerhalb von 14 Tagen nach der Zustellung.
3. Wir versenden noch am selben Tag ein Ersatzgerät mit einem vorfrankierten Etikett für die Rücksendung des beschädigten Geräts.

Sie müssen nicht warten, bis das beschädigte Gerät bei uns ist, bevor der Ersatz verschickt wird.

=== orders / Returns / public / shipping order
Wrong item in your order
If the box holds something you did not order, or something is missing:

1. Compare the packing slip with your order under **Settings → Hardware → Orders**.
2. Send us the order number and a photo of what arrived.

We ship the missing item at once and send a prepaid label for anything sent by mistake. You will not be charged for items you did not order.

=== orders / Returns / public / returns hardware
Returning a terminal you don't need
Purchased hardware can be returned unused within 30 days for a full refund. Rented hardware is returned when the rental ends.

1. Go to **Settings → Hardware → Devices**, pick the device and click **Return**.
2. Print the prepaid label, pack the device with its charger and base, and drop it at any post office.
3. We refund or stop the rental once it arrives, usually within five business days.

Sign the device out of your account first (**Settings → Device → Reset**) so that no data stays on it.

=== orders / Deliveries / public / accessories paper
Ordering extra receipt paper and accessories
Receipt rolls, spare chargers, bases and cash drawers are in **Settings → Hardware → Shop**.

- Our terminals use 57 mm × 40 mm thermal rolls. Other rolls of the same size work too.
- Orders of accessories over €50 ship free.
- Cash drawers connect to the base with the cable that comes with them; open one with **Settings → Cash drawer → Test**.

=== howto / Payments / public / tips payments
Adding tips to card payments
1. In **Dashboard → Settings → Payments → Tips**, turn on **Ask for a tip**.
2. Choose three suggested amounts, as percentages or fixed amounts, and whether to offer **Custom**.
3. Choose whether tips are shown before or after the customer taps their card.

Tips are paid out with your takings. The **Tips by staff member** report shows who earned what for each shift, so you can share them fairly.
--- de
Trinkgeld bei Kartenzahlungen
1. Schalten Sie unter **Dashboard → Einstellungen → Zahlungen → Trinkgeld** die Option **Nach Trinkgeld fragen** ein.
2. Wählen Sie drei vorgeschlagene Beträge, als Prozentsätze oder feste Beträge, und ob **Eigener Betrag** angeboten wird.
3. Legen Sie fest, ob das Trinkgeld vor oder nach dem Vorhalten der Karte angezeigt wird.

Trinkgelder werden mit Ihren Einnahmen ausgezahlt. Der Bericht **Trinkgeld nach Mitarbeitenden** zeigt pro Schicht, wer wie viel erhalten hat, damit Sie fair aufteilen können.

=== howto / Menu and stock / public / locations setup
Setting up a second location
1. Go to **Settings → Locations → Add location** and enter its address and opening hours.
2. Choose whether it shares the menu of an existing location or gets its own. Shared menus can still have their own prices.
3. Assign team members and terminals to it.

Each location gets its own reports and payouts can go to a different bank account. The Growth plan covers up to five locations.

=== howto / Reports / public / reports export accountant
Exporting sales by item for your accountant
1. Open **Reports → Sales by item**.
2. Pick the period, for example last month, and the locations.
3. Click **Export → CSV** (or **Excel**).

The export has one row per item with quantity, gross sales, discounts, refunds, net sales and tax. For bookkeeping systems, use **Reports → Accounting export**: it groups sales by tax rate and payment type the way accountants expect.

=== howto / Menu and stock / public / menu prices
Changing prices for the whole menu at once
1. Go to **Menu → Items** and tick the items, or tick the box at the top for all.
2. Choose **Bulk edit → Change price**.
3. Raise or lower by a percentage or an amount, and choose how to round (to 0.05 or 0.10).
4. Preview the new prices, then click **Apply**.

Terminals pick up the new prices within a minute. Schedule a change for a future date with **Apply on…** so it starts at opening time.

=== howto / Payments / public / receipts language / draft
Printing receipts in another language
Receipts follow the language of the location, set under **Settings → Locations → Receipt language**. Brightline prints receipts in English, German, French, Spanish, Italian and Portuguese.

Item names are printed as you typed them in the menu. To show two languages, add the second name in the item's **Receipt name** field.

=== howto / Menu and stock / public / staff shifts
Staff clock-in on the terminal
On the Growth plan and above, staff can clock in and out on any terminal.

1. Turn on **Settings → Team → Time tracking**.
2. Staff tap **Clock in** on the sign-in screen and enter their PIN.
3. Managers see hours and breaks in **Reports → Shifts** and can correct a forgotten clock-out.

Export the hours as CSV for payroll.

=== howto / Reports / public / refund reports
Where refunds show up in reports
- **Home** shows refunds of the day next to sales.
- **Reports → Sales summary** subtracts refunds from gross sales to give net sales, on the day of the refund (not the day of the original sale).
- **Reports → Refunds** lists each refund with who made it, the reason and the original order.

Payouts subtract refunds of the previous day. A refund bigger than the day's takings makes the payout negative: we then take it from the next days' payouts.

=== howto / Menu and stock / public / tables dining
Setting up table numbers
1. Turn on **Settings → Service → Table service**.
2. Draw your floor plan under **Tables**: add tables, give them numbers and seats.
3. On the terminal, start an order by tapping a table. Orders stay open on the table until paid.

Tables can be moved, merged and split. The kitchen ticket shows the table number.

=== howto / Menu and stock / public / discounts menu
Creating discounts and happy hours
1. Go to **Menu → Discounts → Add discount**.
2. Choose a percentage or a fixed amount, and the items or categories it applies to.
3. For a happy hour, set the days and times it applies automatically.
4. Manual discounts can require a manager PIN.

Only one automatic discount applies to an item. Receipts show the discount on its own line.

=== howto / Menu and stock / public / stock inventory / draft
Tracking stock levels
Turn on stock tracking per item under **Menu → the item → Track stock**. Each sale lowers the count and each refund puts it back.

Set a **low stock alert** to receive an email when an item drops below a number. Count stock at the end of the month with **Menu → Stock count**: type what is on the shelf and Brightline records the difference as waste.

=== howto / Integrations & API / public / api integration rate-limit
API rate limits (429 Too Many Requests)
The Brightline API allows 120 requests per minute per API key (600 on Enterprise). Above that it answers **429 Too Many Requests** with a `Retry-After` header.

- Wait the number of seconds in `Retry-After` before retrying.
- Fetch lists with `page_size=100` rather than one object at a time.
- Use webhooks to hear about new orders instead of polling.

If one integration needs more, ask us: we can raise the limit for a single key.

=== howto / Integrations & API / public / webhooks integration
Webhooks not delivered
Webhooks are retried for 24 hours with growing pauses. Check:

1. **Settings → Developers → Webhooks** shows each delivery with the status code your server answered.
2. Your endpoint must answer within 10 seconds with a 2xx status. Do slow work after answering.
3. It must be reachable over HTTPS with a valid certificate.

After 24 hours of failures the webhook is switched off and the owner is emailed. Switch it back on once fixed, and click **Resend** on the failed deliveries.

=== howto / Integrations & API / public / integration accounting
Accounting integration stopped syncing
Connections to Xero, QuickBooks and DATEV stop when their authorisation expires (usually after 90 days without use) or when someone changes the password of the connected account.

1. Open **Settings → Integrations** and look for a red **Reconnect** button.
2. Click it and sign in to the accounting system again.
3. Click **Sync now**: missed days are sent in order.

Each location can sync to a different company in the accounting system.

=== howto / Integrations & API / public / api security
API key stopped working
API keys stop working when they are revoked, when they expire (if you set an expiry) or when the person who made them is deactivated.

1. Look the key up under **Settings → Developers → API keys**. Revoked keys show who revoked them.
2. Create a new key, give it only the permissions the integration needs, and update the integration.

Keys are shown once when created. We cannot show an existing key again.

=== trouble / Terminals and readers / public / terminal printer receipts
Terminal freezes when printing receipts
A freeze while printing is nearly always the printer waiting for paper or a jammed roll.

1. Open the printer cover, check the roll sits with the paper coming from underneath, and close the cover firmly.
2. Restart the terminal: hold the power button for ten seconds.
3. Check for an update under **Settings → About → Update**.

If it still freezes, turn off **Print logo** under **Settings → Printer**: a very large logo image can run the printer out of memory.
--- de
Terminal friert beim Belegdruck ein
Ein Einfrieren beim Drucken bedeutet fast immer, dass der Drucker auf Papier wartet oder die Rolle klemmt.

1. Öffnen Sie die Druckerabdeckung, prüfen Sie, dass das Papier von unten kommt, und schließen Sie die Abdeckung fest.
2. Starten Sie das Terminal neu: Halten Sie die Einschalttaste zehn Sekunden lang gedrückt.
3. Suchen Sie unter **Einstellungen → Info → Update** nach einem Update.

Friert es weiterhin ein, schalten Sie unter **Einstellungen → Drucker** die Option **Logo drucken** aus: Ein sehr großes Logo kann den Speicher des Druckers überlasten.

=== trouble / Dashboard and app / public / reports bug
Sales report shows the wrong totals
Most differences come from the report's settings, not from missing sales.

- **Time zone:** reports use the location's time zone. A location set to the wrong zone moves late sales to the next day.
- **Business day:** if you are open past midnight, set **Settings → Locations → Day ends at** (for example 04:00).
- **Gross or net:** gross sales include tax and discounts; net sales do not.
- **Offline sales** appear once the terminal reconnects.

If a single order is missing, search for it under **Orders** and send us its number.

=== trouble / Dashboard and app / public / menu sync bug
Menu sync errors
When a terminal shows **Error 1042** or "menu could not be synced":

1. Check the terminal is online (the cloud icon at the top is white, not crossed out).
2. Pull down on the item screen to sync again.
3. Look for items without a price or with a tax rate that was deleted: the dashboard marks them in red under **Menu**.

Fix those items and sync again. Terminals keep selling with the last menu they had while the error lasts.

=== trouble / Dashboard and app / public / app bug
Mobile app crashes on startup
1. Update the Brightline app from the App Store or Google Play.
2. Restart the phone.
3. If it still crashes, sign out in **Settings → Apps** on the dashboard, delete the app, install it again and sign in.

The app supports iOS 16 and Android 11 or newer. When you contact us, tell us the phone model and the app version from the store page.

=== trouble / Dashboard and app / public / stock bug refund
Stock goes negative after refunds
A refund puts items back into stock, and a sale made while the terminal was offline is counted when it reconnects. Both can make stock briefly negative.

- Check **Menu → Stock history** for the item: it lists every change with its order.
- If a refunded item was thrown away, record it as **waste** so it is not counted as back on the shelf.
- Run a stock count to set the real number.

=== trouble / Terminals and readers / public / card-reader terminal
Card reader disconnects every few minutes
The reader talks to the terminal over Bluetooth.

1. Keep the reader within two metres of the terminal and away from microwaves and metal shelves.
2. Charge the reader fully: below 10% it drops the connection to save power.
3. On the terminal, go to **Settings → Card reader → Forget**, then pair again by holding the reader's button for five seconds.

If it keeps disconnecting with a full battery, the reader may be faulty: we replace it under warranty.
--- de
Das Kartenlesegerät trennt sich alle paar Minuten
Das Lesegerät ist per Bluetooth mit dem Terminal verbunden.

1. Halten Sie das Lesegerät höchstens zwei Meter vom Terminal entfernt und fern von Mikrowellen und Metallregalen.
2. Laden Sie das Lesegerät vollständig: Unter 10 % trennt es die Verbindung, um Strom zu sparen.
3. Wählen Sie auf dem Terminal **Einstellungen → Kartenleser → Entfernen** und koppeln Sie erneut, indem Sie die Taste des Lesegeräts fünf Sekunden lang gedrückt halten.

Trennt es sich trotz voller Batterie weiter, ist das Gerät vermutlich defekt: Wir ersetzen es im Rahmen der Garantie.

=== trouble / Dashboard and app / public / dashboard browser bug / stale
Dashboard shows a blank page
1. Reload the page while holding **Shift**.
2. Try a private window: if it works there, a browser extension (often an ad blocker) is in the way. Allow dashboard.brightline.example in it.
3. Make sure your browser is up to date. Internet Explorer is not supported.

Check status.brightline.example too: during an incident we post updates there first.

=== trouble / Payments / public / discounts bug
Discount applied twice
This happens when an automatic discount (a happy hour) and a manual discount apply to the same item.

- Open **Menu → Discounts** and check which discounts cover the item.
- Turn on **Do not combine with other discounts** on the automatic one.

Refund the difference to the customer from the order if needed. The **Discounts** report shows every order where two discounts were used.

=== trouble / Terminals and readers / public / terminal offline outage
Terminals offline or stuck on "syncing"
1. Check the internet connection with another device at the same place.
2. Restart the router, then the terminal.
3. On the terminal open **Settings → Network → Test connection**: it names the step that fails.

Terminals take card payments offline for up to 24 hours and up to €2,000 in total; they are sent when the connection is back. If several terminals at different places are offline at once, check status.brightline.example.
--- de
Terminals offline oder hängen bei „Synchronisieren“
1. Prüfen Sie die Internetverbindung mit einem anderen Gerät am selben Ort.
2. Starten Sie zuerst den Router und dann das Terminal neu.
3. Öffnen Sie auf dem Terminal **Einstellungen → Netzwerk → Verbindung testen**: Der Test nennt den fehlgeschlagenen Schritt.

Terminals nehmen Kartenzahlungen bis zu 24 Stunden und bis zu 2.000 € insgesamt offline an; sie werden übertragen, sobald die Verbindung wieder steht. Sind mehrere Terminals an verschiedenen Orten gleichzeitig offline, sehen Sie auf status.brightline.example nach.

=== trouble / Payments / public / payments card-declined outage
Card payments failing: what to check
If every card fails, it is usually the connection or an incident:
- check status.brightline.example;
- restart the terminal and test the connection.

If only some cards fail, read the decline reason on the screen:
- **Do not honour / declined by issuer:** the customer's bank refused; ask for another card.
- **Insufficient funds:** as it says.
- **Card not supported:** some prepaid and corporate cards are not accepted.

Never ask a customer for their PIN on paper or type a card number on a customer's behalf.

=== policies / Policies / public / refund policy billing
Refund and cancellation policy
- **Subscriptions** can be cancelled at any time and end at the close of the billing period. We do not refund partial months, except when we were unavailable for more than 24 hours in that month.
- **Purchased hardware** can be returned unused within 30 days for a full refund; afterwards it is covered by the warranty.
- **Rented hardware** must be returned within 30 days of cancelling, or the late return fee applies.
- **Card fees** of payments that you refunded are not returned.
--- de
Erstattungs- und Kündigungsbedingungen
- **Abonnements** können jederzeit gekündigt werden und enden mit dem Abrechnungszeitraum. Angebrochene Monate erstatten wir nicht, außer wir waren in dem Monat länger als 24 Stunden nicht verfügbar.
- **Gekaufte Hardware** kann unbenutzt innerhalb von 30 Tagen gegen volle Erstattung zurückgegeben werden; danach gilt die Garantie.
- **Gemietete Hardware** muss innerhalb von 30 Tagen nach der Kündigung zurückgegeben werden, sonst fällt die Gebühr für verspätete Rückgabe an.
- **Kartengebühren** für erstattete Zahlungen werden nicht zurückgezahlt.

=== policies / Policies / public / warranty hardware rma / stale
Hardware warranty
Terminals, readers and bases have a two-year warranty from delivery; rented hardware is covered for as long as the rental runs.

The warranty covers faults in materials and manufacture. It does not cover drops, liquid damage, or batteries that have lost capacity through normal use after the first year.

To claim, contact us with the device's serial number (under **Settings → About**). We send a replacement before you return the faulty device.

=== policies / Policies / public / privacy data
Data protection and privacy
Brightline processes your customers' payment data as a payment service provider and your business data as a processor on your behalf.

- Card numbers are never stored on the terminal and are never shown to us in full.
- Your data is stored in the EU (Frankfurt and Dublin).
- You can export all your data under **Settings → Data export**, and ask us to delete the account once your contract ends.

Our data processing agreement and list of sub-processors are at brightline.example/legal.

=== policies / Policies / public / outage status
Service status and outage communication
We post every incident that affects payments, terminals or the dashboard on status.brightline.example within 15 minutes, and update it at least every 30 minutes until it is resolved.

Subscribe there to receive updates by email or text message. After a major incident we publish a report with the cause and what we changed, within five business days.

=== policies / Policies / public / acceptable-use / draft
Acceptable use
You may use Brightline to take payments for your own business only. You may not accept payments for another business, for goods you do not deliver, or for products on our restricted list (weapons, gambling without a licence, counterfeit goods).

We may hold payouts and close accounts that break these rules, and will tell you why unless the law forbids it.

=== howto / Integrations & API / organisations / loyalty integration / org=Harbour_Lane_Coffee
Harbour Lane Coffee: the loyalty card integration
For Harbour Lane Coffee shops only. Your loyalty stamps are collected through the Harbour Lane app integration.

1. At the end of the order, scan the customer's app QR code with the terminal's camera (**More → Loyalty**).
2. One stamp is added per hot drink; the tenth drink is free and shows as a 100% discount.
3. If the scan fails, type the member number from the app instead.

Stamps appear in the app within a minute. Questions about members' balances go to the Harbour Lane loyalty team, not to Brightline.

=== howto / Menu and stock / organisations / scales barcodes / org=Northwind_Grocers
Northwind Grocers: scales and barcode labels
For Northwind Grocers stores only.

- The deli scales print EAN-13 labels starting with 21: the terminal reads the price from the barcode, so do not re-weigh at the till.
- New products are added centrally by the Northwind head office and reach every store overnight.
- If a label does not scan, type the PLU printed under the barcode.

Report a faulty scale to the store manager; Brightline supports the terminal and the scanner, Northwind's supplier the scales.

=== start / Plans / organisations / rollout menu locations / org=Example_Bistro_Group
Example Bistro Group: rolling out a menu to every site
For Example Bistro Group restaurants.

Menus are managed by the group's head office in the **Group menu**. Site managers can change prices and mark items as sold out, but not add or rename items.

1. Head office publishes the new menu with a start date.
2. Each site sees it under **Menu → Upcoming** and can print the new table cards.
3. On the start date, terminals switch at opening time.

Ask head office, not Brightline, for new items. Brightline helps with terminals, printers and payments.
"""
