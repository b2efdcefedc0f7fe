"""Free-mail domains: anyone can have an address there, so such a domain never says which
organisation a customer belongs to. Kept here, in code, so every install refuses the same
ones; add a provider when a customer base shows it."""

# Whole domains (and their subdomains).
FREE_MAIL_DOMAINS = frozenset(
    {
        # Google, Microsoft, Apple, Yahoo, AOL/Verizon
        "gmail.com",
        "googlemail.com",
        "msn.com",
        "passport.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "ymail.com",
        "rocketmail.com",
        "aol.com",
        "aim.com",
        "verizon.net",
        # Privacy-minded and independent providers
        "proton.me",
        "protonmail.com",
        "protonmail.ch",
        "pm.me",
        "tutanota.com",
        "tutanota.de",
        "tuta.io",
        "tuta.com",
        "fastmail.com",
        "fastmail.fm",
        "hey.com",
        "mailbox.org",
        "posteo.de",
        "posteo.net",
        "zoho.com",
        "zohomail.com",
        "hushmail.com",
        "runbox.com",
        "mail.com",
        "email.com",
        "usa.com",
        "inbox.com",
        # Europe
        "web.de",
        "freenet.de",
        "t-online.de",
        "arcor.de",
        "orange.fr",
        "wanadoo.fr",
        "free.fr",
        "laposte.net",
        "sfr.fr",
        "libero.it",
        "virgilio.it",
        "tiscali.it",
        "alice.it",
        "seznam.cz",
        "centrum.cz",
        "wp.pl",
        "o2.pl",
        "onet.pl",
        "interia.pl",
        "btinternet.com",
        "sky.com",
        "virginmedia.com",
        "ntlworld.com",
        "talktalk.net",
        "telenet.be",
        "skynet.be",
        "ziggo.nl",
        "kpnmail.nl",
        "planet.nl",
        "home.nl",
        "bluewin.ch",
        "abv.bg",
        "mail.ee",
        "inbox.lv",
        "inbox.lt",
        # Russia and neighbours
        "mail.ru",
        "inbox.ru",
        "list.ru",
        "bk.ru",
        "internet.ru",
        "rambler.ru",
        "ukr.net",
        "i.ua",
        "meta.ua",
        "tut.by",
        # Asia
        "qq.com",
        "foxmail.com",
        "163.com",
        "126.com",
        "yeah.net",
        "sina.com",
        "sina.cn",
        "sohu.com",
        "aliyun.com",
        "139.com",
        "naver.com",
        "hanmail.net",
        "daum.net",
        "nate.com",
        "rediffmail.com",
        # Americas and elsewhere
        "comcast.net",
        "att.net",
        "sbcglobal.net",
        "bellsouth.net",
        "charter.net",
        "cox.net",
        "earthlink.net",
        "juno.com",
        "optonline.net",
        "shaw.ca",
        "rogers.com",
        "sympatico.ca",
        "bol.com.br",
        "uol.com.br",
        "terra.com.br",
        "bigpond.com",
        "optusnet.com.au",
        "xtra.co.nz",
    }
)

# Providers with one domain per country (``gmx.de``, ``yandex.com.tr``, ``yahoo.co.jp``):
# the first label, followed only by a country or generic suffix.
FREE_MAIL_BRANDS = frozenset(
    {"gmx", "yandex", "ya", "yahoo", "hotmail", "outlook", "live", "windowslive"}
)
_SUFFIX_LABEL_LENGTH = 3


def is_free_mail_domain(domain: str) -> bool:
    """Whether ``domain`` (``example.com``, lower-case) belongs to a free-mail provider."""
    labels = domain.strip().strip(".").lower().split(".")
    parents = {".".join(labels[i:]) for i in range(len(labels) - 1)}
    if parents & FREE_MAIL_DOMAINS:
        return True
    brand, *suffix = labels
    return (
        brand in FREE_MAIL_BRANDS
        and 1 <= len(suffix) <= 2
        and all(0 < len(label) <= _SUFFIX_LABEL_LENGTH for label in suffix)
    )
