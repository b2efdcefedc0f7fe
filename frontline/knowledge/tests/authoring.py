"""Articles for the authoring tests, written through the services."""

from frontline.accounts.models import User
from frontline.core.actors import Actor
from frontline.customers.models import Organisation
from frontline.knowledge import services
from frontline.knowledge.models import Article, Category, Visibility


def category(user: User, name: str = "Billing & refunds") -> Category:
    return services.create_category(name=name, actor=Actor.for_user(user))


def article(
    user: User,
    *,
    category: Category,
    title: str = "How refunds work",
    body: str = "Refunds reach the card in **5 days**.",
    visibility: Visibility = Visibility.PUBLIC,
    organisations: tuple[Organisation, ...] = (),
    published: bool = False,
    publisher: User | None = None,
    tags: tuple[str, ...] = (),
) -> Article:
    actor = Actor.for_user(user)
    created = services.create_article(
        category=category,
        title=title,
        body_markdown=body,
        visibility=visibility,
        organisations=organisations,
        tags=tags,
        actor=actor,
    )
    if published:
        publishing = Actor.for_user(publisher) if publisher else actor
        services.publish_translation(created.translations.get(), actor=publishing)
    return created
