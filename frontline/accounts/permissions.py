"""What each role may do. Object-level scoping lives in each app's ``queries``."""

from frontline.accounts.models import Role, User

STAFF_ROLES = frozenset(Role) - {Role.CUSTOMER}
SEES_ALL_TICKETS = frozenset({Role.SUPERVISOR, Role.ANALYST, Role.HEAD_OF_SUPPORT, Role.ADMIN})
READ_ONLY = frozenset({Role.ANALYST})
MANAGES_CONFIGURATION = frozenset({Role.HEAD_OF_SUPPORT, Role.ADMIN})
MANAGES_ROUTING = frozenset({Role.SUPERVISOR, Role.HEAD_OF_SUPPORT, Role.ADMIN})
MANAGES_CUSTOMERS = frozenset(
    {Role.SUPERVISOR, Role.ACCOUNT_MANAGER, Role.HEAD_OF_SUPPORT, Role.ADMIN}
)


def is_staff_member(user: User) -> bool:
    return user.is_active and user.role in STAFF_ROLES


def sees_all_tickets(user: User) -> bool:
    return user.is_active and (user.role in SEES_ALL_TICKETS or user.is_superuser)


def can_write_tickets(user: User) -> bool:
    return is_staff_member(user) and user.role not in READ_ONLY


def can_manage_configuration(user: User) -> bool:
    """Teams, users, skills, policies: the head of support and admins."""
    return user.is_active and (user.role in MANAGES_CONFIGURATION or user.is_superuser)


def can_manage_routing(user: User) -> bool:
    """Routing settings, capacities, triage rules and other agents' presence: supervisors
    and above."""
    return user.is_active and (user.role in MANAGES_ROUTING or user.is_superuser)


def can_manage_customers(user: User) -> bool:
    """Create, edit and merge customers and organisations."""
    return can_write_tickets(user)


def can_delete_customers(user: User) -> bool:
    return user.is_active and (user.role in MANAGES_CUSTOMERS or user.is_superuser)


def uses_django_admin(user: User) -> bool:
    return user.is_active and user.is_staff


def is_administrator(user: User) -> bool:
    """Whoever may read every customer's mail and change anything: superusers."""
    return user.is_active and user.is_superuser


PUBLISHES_ARTICLES = frozenset({Role.ENGINEER, Role.SUPERVISOR, Role.HEAD_OF_SUPPORT, Role.ADMIN})


def can_edit_articles(user: User) -> bool:
    """Write and change knowledge-base drafts: every staff member who writes tickets."""
    return can_write_tickets(user)


def can_publish_articles(user: User) -> bool:
    """Publish, archive, restore and mark reviewed: engineers, supervisors and above;
    associates and rotation staff write drafts for them to review."""
    return user.is_active and (user.role in PUBLISHES_ARTICLES or user.is_superuser)


def can_see_knowledge_gaps(user: User) -> bool:
    """The knowledge gaps report: whoever oversees the whole program."""
    return sees_all_tickets(user)
