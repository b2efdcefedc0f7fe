"""Who is in the demo: the support organisation, its sites and the merchants it serves.

The demo company is Brightline, which sells point-of-sale terminals, a merchant dashboard
and card payments to cafés, shops and restaurant groups. Every address ends in a reserved
domain (``.example``, ``.test``, ``example.com``) so that a demo never emails a real person.
"""

from dataclasses import dataclass

from frontline.accounts.models import Role
from frontline.customers.models import Tier

DEMO_PASSWORD = "frontline-demo"  # noqa: S105 - documented in the README for the demo only
STAFF_DOMAIN = "frontline.test"
PORTAL_CUSTOMER_EMAIL = "customer@example.com"
PORTAL_CUSTOMER_NAME = "Casey Morgan"
PORTAL_CUSTOMER_ORGANISATION = "Example Bistro Group"


def _table(text: str) -> list[list[str]]:
    """Rows of a ``|``-separated table, cells stripped; blank lines are skipped."""
    return [[c.strip() for c in line.split("|")] for line in text.strip().splitlines()]


@dataclass(frozen=True)
class SiteSpec:
    name: str
    time_zone: str
    country: str


SITES = (
    SiteSpec("Lisbon", "Europe/Lisbon", "PT"),
    SiteSpec("Austin", "America/Chicago", "US"),
    SiteSpec("Manila", "Asia/Manila", "PH"),
)


@dataclass(frozen=True)
class TeamSpec:
    slug: str
    name: str
    tier: int
    email: str
    description: str


TEAMS = tuple(
    TeamSpec(slug, name, int(tier), email, description)
    for slug, name, tier, email, description in _table(
        """
        tier-1  | Tier 1 General     | 1 | support@brightline.example | First line for everything.
        billing | Billing            | 1 | billing@brightline.example | Invoices, refunds, payouts.
        chat    | Chat               | 1 |                            | Live chat on the website.
        vip     | VIP Accounts       | 2 | vip@brightline.example     | Enterprise merchants.
        tier-2  | Tier 2 Technical   | 2 | tech@brightline.example    | Terminals and integrations.
        tier-3  | Tier 3 Engineering | 3 |                            | Beside the product teams.
        """
    )
)

SKILLS = tuple(
    (name, slug)
    for slug, name in _table(
        """
        english      | English
        portuguese   | Portuguese
        spanish      | Spanish
        tagalog      | Tagalog
        billing      | Billing and invoicing
        payments     | Card payments
        hardware     | Terminal hardware
        integrations | API and integrations
        sql          | SQL and data exports
        onboarding   | Enterprise onboarding
        """
    )
)


@dataclass(frozen=True)
class StaffSpec:
    name: str
    email: str
    role: Role
    site: str
    teams: tuple[str, ...]
    leads: tuple[str, ...]
    skills: tuple[str, ...]


# The people whose addresses are printed as demo logins; everyone else is first.last@.
_LOGIN_EMAILS = {
    "Ada Lovell": "admin@frontline.test",
    "Helena Duarte": "head@frontline.test",
    "Sofia Marques": "supervisor@frontline.test",
    "Alex Rivera": "agent@frontline.test",
    "Priya Nair": "analyst@frontline.test",
}


def _staff_email(name: str) -> str:
    plain = name.lower().replace("ê", "e").replace("ã", "a").replace("í", "i").replace("ç", "c")
    return _LOGIN_EMAILS.get(name) or f"{plain.replace(' ', '.')}@{STAFF_DOMAIN}"


def _staff(text: str) -> tuple[StaffSpec, ...]:
    """Teams marked with ``*`` are led by the person."""
    specs = []
    for name, role, site, teams, skills in _table(text):
        names = teams.split()
        specs.append(
            StaffSpec(
                name=name,
                email=_staff_email(name),
                role=Role(role),
                site=site,
                teams=tuple(t.rstrip("*") for t in names),
                leads=tuple(t.rstrip("*") for t in names if t.endswith("*")),
                skills=tuple(skills.split()),
            )
        )
    return tuple(specs)


STAFF = _staff(
    """
    Ada Lovell       | admin           | Lisbon |                | english
    Helena Duarte    | head_of_support | Lisbon |                | english portuguese onboarding
    Sofia Marques    | supervisor      | Lisbon | tier-1* billing* | english portuguese billing
    Marcus Reed      | supervisor      | Austin | tier-2* tier-3*  | english integrations hardware
    Grace Villanueva | supervisor      | Manila | chat* vip*     | english tagalog payments
    Daniel Okafor    | account_manager | Austin | vip            | english onboarding integrations
    Inês Costa       | account_manager | Lisbon | vip            | english portuguese onboarding
    Priya Nair       | analyst         | Austin |                | english sql
    Tom Becker       | rotation        | Lisbon | tier-1         | english
    Kenji Watanabe   | rotation        | Austin | tier-1         | english integrations
    Alex Rivera      | associate       | Austin | tier-1 chat    | english spanish
    João Almeida     | associate       | Lisbon | tier-1         | english portuguese
    Maria Santos     | associate       | Manila | tier-1 chat    | english tagalog
    Angelo Reyes     | associate       | Manila | tier-1         | english tagalog hardware
    Beatriz Lopes    | associate       | Lisbon | billing tier-1 | english portuguese billing
    Carlos Mendoza   | associate       | Austin | billing        | english spanish billing payments
    Joy Bautista     | associate       | Manila | billing        | english tagalog billing
    Paolo Cruz       | associate       | Manila | chat           | english tagalog payments
    Rachel Kim       | associate       | Austin | chat           | english
    Olivia Grant     | associate       | Austin | vip            | english onboarding billing
    Rui Fernandes    | engineer        | Lisbon | tier-2         | english portuguese hardware
    Jasmine Tan      | engineer        | Manila | tier-2         | english integrations sql
    Luis García      | engineer        | Austin | tier-2 tier-3  | english spanish integrations
    Hannah Weber     | engineer        | Lisbon | tier-3         | english sql integrations
    Marco Bianchi    | engineer        | Austin | tier-3         | english hardware payments
    """
)

# How much of a team's work each role takes: people on rotation and leads take a little.
ROLE_WEIGHT = {
    Role.ASSOCIATE: 1.0,
    Role.ENGINEER: 1.0,
    Role.ACCOUNT_MANAGER: 0.5,
    Role.ROTATION: 0.25,
    Role.SUPERVISOR: 0.1,
}


@dataclass(frozen=True)
class Region:
    time_zones: tuple[str, ...]
    languages: tuple[str, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    currency: str
    phone_prefix: str


def _region(zones: str, languages: str, first: str, last: str, currency: str, phone: str) -> Region:
    def names(text: str) -> tuple[str, ...]:
        return tuple(n.strip() for n in text.split(","))

    return Region(
        tuple(zones.split()), tuple(languages.split()), names(first), names(last), currency, phone
    )


REGIONS = {
    "uk": _region(
        "Europe/London",
        "en",
        "Oliver, Amelia, Harry, Isla, George, Ava, Noah, Mia, Jack, Freya, Leo, Grace, Theo",
        "Smith, Jones, Taylor, Brown, Williams, Wilson, Evans, Walker, Wright, Patel, Khan",
        "£",
        "+44",
    ),
    "us": _region(
        "America/New_York America/Chicago America/Denver America/Los_Angeles",
        "en en en es",
        "James, Olivia, Liam, Emma, Ethan, Sophia, Mason, Harper, Lucas, Ella, Daniel, Zoe, Maya",
        "Johnson, Miller, Davis, Garcia, Rodriguez, Martinez, Anderson, Jackson, Harris, Nguyen",
        "$",
        "+1",
    ),
    "pt": _region(
        "Europe/Lisbon",
        "pt pt en",
        "Tiago, Inês, Duarte, Mariana, Rodrigo, Leonor, Afonso, Carolina, Miguel, Beatriz",
        "Silva, Santos, Ferreira, Pereira, Oliveira, Costa, Rodrigues, Martins, Sousa, Gomes",
        "€",
        "+351",
    ),
    "br": _region(
        "America/Sao_Paulo",
        "pt",
        "Gabriel, Ana, Lucas, Júlia, Mateus, Larissa, Felipe, Camila, Rafael, Fernanda",
        "Souza, Lima, Carvalho, Ribeiro, Almeida, Barbosa, Araújo, Cardoso, Rocha, Dias",
        "R$",
        "+55",
    ),
    "es": _region(
        "Europe/Madrid",
        "es es en",
        "Hugo, Lucía, Martín, Sofía, Pablo, Martina, Álvaro, Paula, Javier, Elena",
        "García, Fernández, González, López, Martínez, Sánchez, Pérez, Gómez, Ruiz, Díaz",
        "€",
        "+34",
    ),
    "de": _region(
        "Europe/Berlin",
        "de de en",
        "Lukas, Hannah, Felix, Lena, Jonas, Marie, Paul, Laura, Maximilian, Anna",
        "Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Hoffmann, Koch",
        "€",
        "+49",
    ),
    "fr": _region(
        "Europe/Paris",
        "fr fr en",
        "Louis, Léa, Gabriel, Chloé, Arthur, Manon, Jules, Camille, Hugo, Inès",
        "Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau",
        "€",
        "+33",
    ),
    "ph": _region(
        "Asia/Manila",
        "en en tl",
        "Jose, Maria, Mark, Angelica, John Paul, Kristine, Carlo, Patricia, Miguel, Bea",
        "Dela Cruz, Reyes, Santos, Garcia, Mendoza, Torres, Tan, Ramos, Aquino, Navarro",
        "₱",
        "+63",
    ),
    "au": _region(
        "Australia/Sydney Australia/Melbourne",
        "en",
        "Charlotte, William, Ruby, Henry, Matilda, Lachlan, Zara, Cooper, Willow, Hudson",
        "Smith, Kelly, Ryan, Murphy, Mitchell, Campbell, Stewart, Morris, Cooper, Bailey",
        "A$",
        "+61",
    ),
    "sg": _region(
        "Asia/Singapore",
        "en",
        "Wei Ling, Jun Jie, Hui Min, Zhi Hao, Priya, Arjun, Siti, Farhan, Mei, Ryan",
        "Tan, Lim, Lee, Ng, Ong, Wong, Goh, Chua, Kumar, Rahman",
        "S$",
        "+65",
    ),
}

# Where customers without an organisation live, with relative weights.
CONSUMER_REGIONS = (("us", 5), ("uk", 3), ("pt", 2), ("es", 1), ("de", 1), ("ph", 2), ("au", 1))
CONSUMER_DOMAINS = (
    "gmail.example",
    "outlook.example",
    "icloud.example",
    "yahoo.example",
    "proton.example",
)


@dataclass(frozen=True)
class OrganisationSpec:
    name: str
    domain: str
    tier: Tier
    region: str
    industry: str
    shared_tickets: bool


ORGANISATIONS = tuple(
    OrganisationSpec(name, domain, Tier(tier), region, industry, shared == "shared")
    for name, domain, tier, region, industry, shared in _table(
        """
        Harbour Lane Coffee      | harbourlane.example        | enterprise | uk | Coffee   | shared
        Northwind Grocers        | northwind-grocers.example  | enterprise | us | Grocery  | shared
        Casa Alfama Restaurantes | casa-alfama.example        | enterprise | pt | Dining   | shared
        Sakura Bento Co.         | sakurabento.example        | enterprise | sg | Dining   |
        Example Bistro Group     | example.com                | enterprise | us | Dining   |
        Bluebird Books           | bluebirdbooks.example      | premium    | uk | Books    | shared
        Cedar & Sage Spa         | cedarsage.example          | premium    | us | Wellness |
        Padaria Estrela          | padaria-estrela.example    | premium    | pt | Bakery   | shared
        Mercado Sol              | mercadosol.example         | premium    | es | Grocery  |
        Brauhaus Neumann         | brauhaus-neumann.example   | premium    | de | Bars     |
        Le Petit Atelier         | petit-atelier.example      | premium    | fr | Fashion  |
        Kalye Kitchen            | kalyekitchen.example       | premium    | ph | Dining   | shared
        Summit Outdoor Supply    | summit-outdoor.example     | premium    | us | Retail   |
        Tide & Timber Hotels     | tideandtimber.example      | premium    | au | Hotels   |
        Rua Verde Florista       | ruaverde.example           | premium    | br | Florist  |
        Copper Kettle Tearooms   | copperkettle.example       | standard   | uk | Café     |
        Maple Street Barbers     | maplestreet.example        | standard   | us | Barber   |
        Lantern Row Records      | lanternrow.example         | standard   | uk | Music    |
        Pedal Works Cycles       | pedalworks.example         | standard   | us | Bikes    |
        Tasca do Zé              | tascadoze.example          | standard   | pt | Dining   |
        Panadería Luna           | panaderialuna.example      | standard   | es | Bakery   |
        Grüner Laden             | gruener-laden.example      | standard   | de | Grocery  |
        Fromagerie Martin        | fromagerie-martin.example  | standard   | fr | Deli     |
        Bayside Fish Bar         | baysidefish.example        | standard   | au | Takeaway |
        Jeepney Juice Bar        | jeepneyjuice.example       | standard   | ph | Juice    |
        Little Fern Plants       | littlefern.example         | standard   | uk | Garden   |
        Riverside Pet Supplies   | riversidepets.example      | standard   | us | Pets     |
        Oak & Anchor Pub         | oakandanchor.example       | standard   | uk | Pub      |
        Golden Wok               | goldenwok.example          | standard   | sg | Dining   |
        Studio Pilates Norte     | pilatesnorte.example       | standard   | pt | Fitness  |
        Velvet Scoop Gelato      | velvetscoop.example        | standard   | us | Gelato   |
        Kiosque Belleville       | kiosque-belleville.example | standard   | fr | News     |
        Café Copacabana          | cafecopa.example           | standard   | br | Café     |
        Lakeside Hardware        | lakeside-hw.example        | standard   | us | Hardware |
        Sari-Sari Express        | sarisari-express.example   | standard   | ph | Grocery  |
        Wattle Tree Café         | wattletree.example         | standard   | au | Café     |
        Bäckerei Sonnenschein    | baeckerei-sonne.example    | standard   | de | Bakery   |
        Mesón El Faro            | meson-elfaro.example       | standard   | es | Dining   |
        Brick Lane Bagels        | bricklanebagels.example    | standard   | uk | Bakery   |
        Prairie Goods Market     | prairiegoods.example       | standard   | us | Farm     |
        """
    )
)
