"""Demo articles: getting started, account and sign-in, billing and refunds."""
# ruff: noqa: E501, RUF001 - help-centre prose, one paragraph a line

BLOCK = r"""
=== start / First steps / public / setup terminal
Setting up your first Brightline terminal
Your terminal arrives charged to about 40%. Plan fifteen minutes for the first start.

1. Plug the terminal into its base and the base into power. Hold the power button for three seconds.
2. Choose your language and connect to Wi-Fi. A wired connection through the base is more reliable at a busy counter: plug a network cable into the back of the base.
3. Sign in with the email and password of your dashboard account.
4. Pick the location the terminal belongs to. It downloads your menu, taxes and staff list.
5. Print a test receipt from **Settings → Printer → Test print**.

If the terminal asks for an update, let it finish before you take payments: updates take up to ten minutes and must not be interrupted.
--- de
Ihr erstes Brightline-Terminal einrichten
Ihr Terminal wird zu etwa 40 % geladen geliefert. Planen Sie für den ersten Start fünfzehn Minuten ein.

1. Stellen Sie das Terminal in die Basis und schließen Sie die Basis an den Strom an. Halten Sie die Einschalttaste drei Sekunden lang gedrückt.
2. Wählen Sie Ihre Sprache und verbinden Sie sich mit dem WLAN. An einer belebten Theke ist ein Netzwerkkabel an der Rückseite der Basis zuverlässiger.
3. Melden Sie sich mit der E-Mail-Adresse und dem Passwort Ihres Dashboard-Kontos an.
4. Wählen Sie den Standort, zu dem das Terminal gehört. Es lädt Ihre Speisekarte, Steuern und Mitarbeitenden.
5. Drucken Sie einen Testbeleg über **Einstellungen → Drucker → Testdruck**.

Wenn das Terminal ein Update anbietet, lassen Sie es vollständig durchlaufen, bevor Sie Zahlungen annehmen: Updates dauern bis zu zehn Minuten und dürfen nicht unterbrochen werden.

=== start / First steps / public / menu products
Adding your menu and products
Everything you sell lives in **Dashboard → Menu**. Terminals pick up changes within a minute.

1. Create your categories first (Drinks, Mains, Desserts). They become the tabs on the terminal.
2. Click **Add item**, give it a name, a price and a tax rate. Add a picture if you like: it helps new staff.
3. Use **Modifiers** for choices such as milk type or extra shot. A modifier can cost extra.
4. Save. Open the terminal and check the item shows under the right tab.

To bring a long menu in at once, use **Menu → Import** with our CSV template. Prices use a dot as the decimal separator.

=== start / First steps / public / staff permissions
Inviting your staff
Each person who uses the terminal should have their own PIN so that sales, tips and refunds are recorded under their name.

1. Go to **Dashboard → Team → Add team member**.
2. Enter their name and choose a role: *Cashier* can take payments, *Manager* can also refund and change prices, *Owner* can do everything including billing.
3. Give them a four-digit PIN, or let Brightline send them an invitation email to choose their own.
4. Pick the locations they work at.

Managers can reset a PIN on the terminal under **Settings → Team**. Remove people who leave on their last day: see *Removing a former employee*.

=== start / First steps / public / payout bank
Connecting your bank account for payouts
We pay your card takings into the bank account you connect. Until it is verified, payouts wait safely with us.

1. Open **Dashboard → Settings → Payouts** and click **Connect bank account**.
2. Enter the account holder name exactly as your bank has it, the IBAN (or sort code and account number in the UK) and upload a recent bank statement.
3. Verification takes one to two business days. You receive an email when it is done.

The account holder must be the business on your Brightline contract. We cannot pay into a personal account of an employee.

=== start / First steps / public / payments card
Taking your first card payment
1. Add items to the order on the terminal, or type an amount with **Quick sale**.
2. Tap **Charge**. The total appears on the customer side of the screen.
3. The customer taps, inserts or swipes their card, or holds their phone near the reader.
4. When the screen turns green the payment is approved. Offer a printed or emailed receipt.

If the payment is declined, the screen shows the reason the bank gave. Ask for another card; never retry the same declined card more than twice.
--- de
Ihre erste Kartenzahlung
1. Fügen Sie die Artikel auf dem Terminal zur Bestellung hinzu oder geben Sie über **Schnellverkauf** einen Betrag ein.
2. Tippen Sie auf **Kassieren**. Der Betrag erscheint auf der Kundenseite des Bildschirms.
3. Die Kundin oder der Kunde hält die Karte an das Lesegerät, steckt sie ein oder zahlt mit dem Smartphone.
4. Wird der Bildschirm grün, ist die Zahlung genehmigt. Bieten Sie einen gedruckten oder per E-Mail gesendeten Beleg an.

Wird die Zahlung abgelehnt, zeigt der Bildschirm den Grund der Bank. Bitten Sie um eine andere Karte; versuchen Sie eine abgelehnte Karte nie öfter als zweimal.

=== start / Plans / public / plan-change billing
Choosing the right plan
Brightline has three plans:

| Plan | For | Includes |
| --- | --- | --- |
| Starter | one location, up to 2 terminals | payments, menu, daily reports |
| Growth | up to 5 locations | everything in Starter, staff shifts, stock, integrations |
| Enterprise | chains and franchises | everything in Growth, single sign-on, API limits raised, a named account manager |

You can change plan at any time under **Dashboard → Settings → Plan**. Upgrades apply at once and are charged pro rata; downgrades apply at the next billing date.

=== start / First steps / public / dashboard
A tour of the merchant dashboard
The dashboard at dashboard.brightline.example is where you manage everything the terminals do.

- **Home** shows today's sales, refunds and the busiest hours.
- **Orders** lists every sale with its receipt, payment and refunds.
- **Menu** holds items, modifiers, discounts and taxes.
- **Team** is where you add people and set their roles.
- **Reports** has sales by item, by staff member and by payment type, with exports to CSV.
- **Settings** covers locations, printers, payouts, plan and invoices.

The dashboard works in current versions of Chrome, Edge, Firefox and Safari.

=== account / Signing in / public / password login
Resetting your password
1. On the sign-in page, click **Forgot password?**
2. Enter the email address of your account and click **Send reset link**.
3. Open the email from no-reply@brightline.example and click the link within 60 minutes.
4. Choose a new password of at least 12 characters. You are signed in straight away.

The link works once. If you ask for several, only the newest one works. Terminals keep working while you reset: staff PINs are not affected.
--- de
Passwort zurücksetzen
1. Klicken Sie auf der Anmeldeseite auf **Passwort vergessen?**
2. Geben Sie die E-Mail-Adresse Ihres Kontos ein und klicken Sie auf **Link senden**.
3. Öffnen Sie die E-Mail von no-reply@brightline.example und klicken Sie innerhalb von 60 Minuten auf den Link.
4. Wählen Sie ein neues Passwort mit mindestens 12 Zeichen. Sie sind sofort angemeldet.

Der Link funktioniert nur einmal. Wenn Sie mehrere anfordern, gilt nur der neueste. Die Terminals arbeiten während des Zurücksetzens weiter: Die PINs der Mitarbeitenden sind nicht betroffen.

=== account / Signing in / public / password email login
Password reset email never arrives
Most missing reset emails are caught by a filter. Before you ask us, check:

1. Your spam or junk folder, and any "Promotions" or "Updates" tab.
2. That you typed the address your account uses. Ask a colleague with the *Owner* role to look it up under **Team**.
3. Whether your company's mail server holds messages from new senders. Ask your IT team to allow no-reply@brightline.example.

Wait five minutes between requests: each new request makes the previous link stop working. If nothing arrives after that, contact us from the address on the account and we will check our delivery log.
--- de
Die E-Mail zum Zurücksetzen des Passworts kommt nicht an
Meist fängt ein Filter die E-Mail ab. Bevor Sie uns schreiben, prüfen Sie bitte:

1. Ihren Spam- oder Junk-Ordner sowie Reiter wie „Werbung“ oder „Updates“.
2. Ob Sie die Adresse Ihres Kontos eingegeben haben. Eine Person mit der Rolle *Inhaber* kann sie unter **Team** nachsehen.
3. Ob der Mailserver Ihres Unternehmens Nachrichten neuer Absender zurückhält. Bitten Sie Ihre IT, no-reply@brightline.example zuzulassen.

Warten Sie zwischen zwei Anfragen fünf Minuten: Jede neue Anfrage macht den vorherigen Link ungültig. Kommt danach nichts an, schreiben Sie uns von der Adresse des Kontos aus; wir prüfen dann unser Versandprotokoll.

=== account / Signing in / public / locked login security
Unlocking an account after too many attempts
After ten wrong passwords in a row we lock the account for 30 minutes to protect it.

- Wait 30 minutes and sign in again, or
- reset your password: a successful reset unlocks the account at once.

If you did not make those attempts yourself, reset the password now and turn on two-factor authentication. Owners can see recent sign-ins under **Settings → Security → Activity**.
--- de
Konto nach zu vielen Versuchen entsperren
Nach zehn falschen Passwörtern in Folge sperren wir das Konto zu seinem Schutz für 30 Minuten.

- Warten Sie 30 Minuten und melden Sie sich erneut an, oder
- setzen Sie Ihr Passwort zurück: Ein erfolgreiches Zurücksetzen entsperrt das Konto sofort.

Wenn die Versuche nicht von Ihnen stammen, setzen Sie jetzt das Passwort zurück und schalten Sie die Zwei-Faktor-Authentifizierung ein. Inhaber sehen die letzten Anmeldungen unter **Einstellungen → Sicherheit → Aktivität**.

=== account / Signing in / public / 2fa security
Setting up two-factor authentication
Two-factor authentication asks for a six-digit code from your phone after your password.

1. Install an authenticator app (Google Authenticator, Microsoft Authenticator, 1Password …).
2. In the dashboard go to **Profile → Security → Two-factor** and click **Turn on**.
3. Scan the QR code with the app and type the code it shows.
4. Save the ten backup codes somewhere safe, away from your phone.

Owners can require two-factor for everyone under **Settings → Security**.
--- de
Zwei-Faktor-Authentifizierung einrichten
Die Zwei-Faktor-Authentifizierung fragt nach dem Passwort einen sechsstelligen Code von Ihrem Smartphone ab.

1. Installieren Sie eine Authenticator-App (Google Authenticator, Microsoft Authenticator, 1Password …).
2. Gehen Sie im Dashboard zu **Profil → Sicherheit → Zwei-Faktor** und klicken Sie auf **Einschalten**.
3. Scannen Sie den QR-Code mit der App und geben Sie den angezeigten Code ein.
4. Bewahren Sie die zehn Backup-Codes sicher und getrennt vom Smartphone auf.

Inhaber können die Zwei-Faktor-Authentifizierung unter **Einstellungen → Sicherheit** für alle vorschreiben.

=== account / Signing in / public / 2fa login / stale
Two-factor codes not arriving
Codes from an authenticator app do not travel over the network, so "not arriving" usually means the phone's clock is off.

1. Turn on automatic date and time on the phone.
2. In Google Authenticator, use **Settings → Time correction for codes → Sync now**.
3. If you used text-message codes, check the phone has signal and the number under **Profile → Security** is right.

Lost the phone? Sign in with one of your backup codes, then set up two-factor again on the new phone. Without backup codes, an Owner of your account can reset two-factor for you under **Team**.

=== account / Signing in / public / sso login enterprise
Single sign-on: setting up and fixing sign-in loops
Enterprise plans can sign in through Okta, Microsoft Entra ID or Google Workspace (SAML 2.0).

**Set-up:** in **Settings → Security → Single sign-on** copy our ACS URL and entity ID into your identity provider, then paste its metadata URL back into Brightline. Test with one account before you enforce it.

**If the sign-in page keeps coming back:**
- check the email your identity provider sends matches the one on the Brightline account exactly;
- make sure the certificate has not expired (identity providers rotate them yearly);
- clear the browser's cookies for brightline.example and try a private window.

Owners can always sign in with their password at /login?sso=off, so you are never locked out.

=== account / People and access / public / staff security
Removing a former employee
Remove people on their last day so that their PIN and dashboard access stop working.

1. Open **Dashboard → Team**, pick the person and click **Deactivate**.
2. Their past sales, tips and refunds stay in your reports under their name.
3. If they knew a shared password (for example of a back-office computer), change it.

Only Owners can deactivate another Owner. An account always keeps at least one active Owner.

=== account / People and access / public / owner email
Changing the account owner's email
The owner's email receives invoices, security alerts and payout notices.

1. Sign in as the owner and open **Profile → Email**.
2. Enter the new address and confirm it from the email we send there.
3. The old address gets a notice, so a change you did not make is noticed quickly.

If the owner has left and nobody can sign in as them, we need a written request on company letterhead signed by a director, and a copy of their ID. We never change the owner's email on a phone call or chat alone.

=== billing / Invoices / public / invoice billing
Understanding your invoice
Your monthly invoice has three parts:

1. **Subscription**: your plan for the coming month, per location.
2. **Hardware**: terminals on rental, charged monthly until the rental ends.
3. **Card fees**: the processing fees of the previous month, itemised by card type.

Invoices are issued on the 1st and paid by direct debit on the 5th. Download them as PDF under **Settings → Invoices**. Each invoice shows your VAT number and ours.

=== billing / Invoices / public / refund invoice billing
Charged twice this month
Before you contact us, check whether the two charges are really the same:

- one may be your **subscription** and the other **card fees** from the previous month;
- an upgrade in the middle of the month adds a **pro-rata charge**;
- a card that failed and was retried may show a pending authorisation that your bank releases within five days.

If the same invoice was really paid twice, tell us its number. We refund the second payment to the same card or account within three business days.
--- de
Diesen Monat doppelt belastet
Prüfen Sie vor einer Anfrage, ob die beiden Belastungen wirklich dieselben sind:

- eine kann Ihr **Abonnement** sein, die andere die **Kartengebühren** des Vormonats;
- ein Upgrade mitten im Monat erzeugt eine **anteilige Belastung**;
- bei einer fehlgeschlagenen und erneut versuchten Zahlung kann eine vorläufige Reservierung erscheinen, die Ihre Bank innerhalb von fünf Tagen freigibt.

Wurde dieselbe Rechnung wirklich zweimal bezahlt, nennen Sie uns die Rechnungsnummer. Wir erstatten die zweite Zahlung innerhalb von drei Werktagen auf dieselbe Karte oder dasselbe Konto.

=== billing / Invoices / public / vat invoice
Correcting the VAT number on an invoice
1. Update your VAT number under **Settings → Business details**. New invoices use it at once.
2. For invoices already issued, send us their numbers and the correct VAT number. We issue a credit note and a corrected invoice, usually within two business days.

We can correct invoices of the current and the previous tax year. The business name on the invoice must match the one registered for the VAT number.

=== billing / Refunds / public / refund payments
Refunding a customer's card payment
Managers and Owners can refund a sale, fully or in part.

1. On the terminal open **Orders**, find the sale and tap **Refund**. In the dashboard use **Orders → the order → Refund**.
2. Choose the items or type an amount, and pick a reason.
3. Confirm with your manager PIN.

The money goes back to the card that paid; the customer does not need to be present. Refunds can be made up to 180 days after the sale. Cash sales are refunded in cash from the drawer.
--- de
Eine Kartenzahlung erstatten
Manager und Inhaber können einen Verkauf ganz oder teilweise erstatten.

1. Öffnen Sie auf dem Terminal **Bestellungen**, suchen Sie den Verkauf und tippen Sie auf **Erstatten**. Im Dashboard: **Bestellungen → Bestellung → Erstatten**.
2. Wählen Sie die Artikel oder geben Sie einen Betrag ein und wählen Sie einen Grund.
3. Bestätigen Sie mit Ihrer Manager-PIN.

Das Geld geht auf die Karte zurück, mit der bezahlt wurde; die Kundin oder der Kunde muss nicht anwesend sein. Erstattungen sind bis 180 Tage nach dem Verkauf möglich. Barverkäufe werden bar aus der Kasse erstattet.

=== billing / Refunds / public / refund payments
When does a refund reach the customer?
We send the refund to the card network at once. How long it takes to appear depends on the customer's bank:

- debit cards: usually 3–5 business days;
- credit cards: up to 10 business days, sometimes as a reversal of the original charge rather than a new line;
- mobile wallets: the same as the card behind them.

Give the customer the **refund reference** from the receipt (it starts with RF-). Their bank can trace the refund with it.
--- de
Wann kommt eine Erstattung bei der Kundschaft an?
Wir senden die Erstattung sofort an das Kartennetzwerk. Wie lange es dauert, hängt von der Bank der Kundin oder des Kunden ab:

- Debitkarten: meist 3–5 Werktage;
- Kreditkarten: bis zu 10 Werktage, manchmal als Storno der ursprünglichen Belastung statt als neue Buchung;
- mobile Wallets: wie die Karte dahinter.

Geben Sie der Kundschaft die **Erstattungsreferenz** vom Beleg (sie beginnt mit RF-). Damit kann die Bank die Erstattung nachverfolgen.

=== billing / Invoices / public / plan-change billing
Switching to annual billing
Annual billing costs the same as ten months of monthly billing.

1. Go to **Settings → Plan** and choose **Pay yearly**.
2. We charge the year at once, minus the unused part of the current month.
3. Your invoice date moves to today's date.

You can switch back to monthly at the end of the year. Locations added during the year are charged pro rata until the renewal date.
--- de
Auf jährliche Abrechnung umstellen
Die jährliche Abrechnung kostet so viel wie zehn Monate monatlicher Abrechnung.

1. Gehen Sie zu **Einstellungen → Tarif** und wählen Sie **Jährlich zahlen**.
2. Wir berechnen das Jahr auf einmal, abzüglich des ungenutzten Teils des laufenden Monats.
3. Ihr Rechnungsdatum wird auf das heutige Datum verschoben.

Zum Ende des Jahres können Sie wieder auf monatlich wechseln. Standorte, die während des Jahres hinzukommen, werden bis zur Verlängerung anteilig berechnet.

=== billing / Invoices / public / card-declined billing
Card declined when renewing your subscription
When the card on file is declined we try again after 1, 3 and 7 days and email the owner each time. Your terminals keep working for 14 days.

1. Update the card under **Settings → Billing → Payment method**.
2. Click **Retry payment now** on the unpaid invoice.

Common reasons: the card expired, a new card number after a replacement, or the bank blocking a foreign charge (our acquirer is in Ireland). Ask your bank to allow recurring payments to Brightline.

=== billing / Invoices / public / invoice billing fees
Fees on your invoice explained
- **Card processing:** a percentage per payment, different for consumer, business and international cards.
- **Chargeback fee:** charged when a cardholder disputes a payment, refunded if you win the dispute.
- **Instant payout fee:** 1% when you ask for a payout outside the daily schedule.
- **Hardware rental:** per terminal per month.
- **Late hardware return:** if a rented terminal is not back within 30 days of cancelling.

Every fee links to the payments it belongs to under **Reports → Fees**.

=== billing / Invoices / public / invoice
Downloading past invoices
All invoices since you joined are under **Settings → Invoices**.

- Click an invoice to download its PDF.
- Tick several and choose **Download as ZIP** for a quarter or a year.
- Choose **Export CSV** for a list your accountant can import.

Invoices are kept for ten years. Accountants can get their own dashboard login with the *Accountant* role: they see invoices and reports but cannot take payments.

=== billing / Payouts / public / payout bank
Payouts: schedule and missing payouts
Card takings are paid out every business day for the sales of the day before, minus refunds and fees. Sales on Friday, Saturday and Sunday arrive on Monday.

If a payout is missing:
1. Check **Settings → Payouts** for a banner: an unverified bank account or a negative balance holds payouts.
2. Look up the payout in **Reports → Payouts**; it shows its reference and the day we sent it.
3. Banks need up to two business days to credit a payout. Give your bank the reference.

If the payout shows as sent more than three business days ago and has not arrived, contact us with the reference.
--- de
Auszahlungen: Zeitplan und fehlende Auszahlungen
Karteneinnahmen werden an jedem Werktag für die Verkäufe des Vortags ausgezahlt, abzüglich Erstattungen und Gebühren. Verkäufe von Freitag, Samstag und Sonntag kommen am Montag.

Fehlt eine Auszahlung:
1. Prüfen Sie **Einstellungen → Auszahlungen** auf einen Hinweis: Ein nicht verifiziertes Bankkonto oder ein negativer Saldo hält Auszahlungen an.
2. Suchen Sie die Auszahlung unter **Berichte → Auszahlungen**; dort stehen Referenz und Versanddatum.
3. Banken brauchen bis zu zwei Werktage für die Gutschrift. Nennen Sie Ihrer Bank die Referenz.

Ist die Auszahlung seit mehr als drei Werktagen als versendet markiert und nicht angekommen, schreiben Sie uns mit der Referenz.
"""
