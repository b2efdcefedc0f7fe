"""Articles of the knowledge base: their categories and sections, the text of each language
with its version history, and what customers and agents do with them (votes, views,
searches that found nothing, deflected requests).

An ``Article`` is the thing a URL names; its words live in one ``ArticleTranslation`` per
language, each with its own status (a German text can still be a draft while the English
one is published). Every save of a translation's text appends an ``ArticleVersion``.
"""

from django.conf import settings
from django.db import models

from frontline.core.models import TimestampedModel
from frontline.customers.models import Customer, Organisation
from frontline.tickets.models import Tag, Ticket


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    ORGANISATIONS = "organisations", "Customers of chosen organisations"
    INTERNAL = "internal", "Internal (agents only)"


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class Category(models.Model):
    """A help-centre category: the tiles on the help centre's home page."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Section(models.Model):
    """A group of articles inside a category."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["category", "slug"], name="knowledge_section_slug")
        ]

    def __str__(self) -> str:
        return f"{self.category} / {self.name}"


class Article(TimestampedModel):
    """One article, whatever its languages: its place, audience, owners and review date."""

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="articles")
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    slug = models.SlugField(max_length=120)
    visibility = models.CharField(
        max_length=15, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="articles", help_text="For 'chosen organisations'."
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authored_articles"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_articles",
    )
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reminded_at = models.DateTimeField(
        null=True, blank=True, help_text="When the reviewer was last told it needs review."
    )
    source_ticket = models.ForeignKey(
        Ticket,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        help_text="The ticket this article was started from.",
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["category", "slug"], name="knowledge_article_slug")
        ]
        indexes = [models.Index(fields=["last_reviewed_at"], name="knowledge_article_review")]

    def __str__(self) -> str:
        return f"{self.category.slug}/{self.slug}"


class ArticleTranslation(models.Model):
    """The article's text in one language; what search indexes and the help centre shows."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=10, help_text="A language code: en, de, fr …")
    title = models.CharField(max_length=200)
    body_markdown = models.TextField(blank=True)
    body_html = models.TextField(blank=True, help_text="Rendered and sanitised; safe to show.")
    status = models.CharField(
        max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=0, help_text="Number of the latest version.")
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    view_count = models.PositiveBigIntegerField(default=0)
    helpful_count = models.PositiveIntegerField(default=0)
    unhelpful_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["article_id", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "language"], name="knowledge_translation_language"
            )
        ]
        indexes = [models.Index(fields=["status", "language"], name="knowledge_translation_live")]

    def __str__(self) -> str:
        return f"{self.title} [{self.language}]"


class ArticleVersion(models.Model):
    """A saved state of a translation's text, for the history, its diffs and restore."""

    translation = models.ForeignKey(
        ArticleTranslation, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body_markdown = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["translation_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["translation", "number"], name="knowledge_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.translation} v{self.number}"


class ArticleFeedback(models.Model):
    """One "was this helpful?" answer, with its optional comment."""

    translation = models.ForeignKey(
        ArticleTranslation, on_delete=models.CASCADE, related_name="feedback"
    )
    helpful = models.BooleanField()
    comment = models.TextField(blank=True)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["helpful", "created_at"], name="knowledge_feedback_helpful")
        ]

    def __str__(self) -> str:
        return f"{self.translation_id}: {'helpful' if self.helpful else 'not helpful'}"


class SearchScope(models.TextChoices):
    HELP_CENTRE = "help_centre", "Help centre"
    PORTAL = "portal", "Portal request form"
    WORKSPACE = "workspace", "Workspace"
    API = "api", "API"


class SearchRecord(models.Model):
    """A knowledge search someone ran, kept for the knowledge gaps report."""

    query = models.CharField(max_length=500)
    normalized = models.CharField(max_length=500, help_text="Lower-cased, spaces collapsed.")
    scope = models.CharField(max_length=15, choices=SearchScope.choices)
    result_count = models.PositiveIntegerField()
    language = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["result_count", "created_at"], name="knowledge_search_gaps")
        ]

    def __str__(self) -> str:
        return f"{self.query!r}: {self.result_count}"


class DeflectionOutcome(models.TextChoices):
    READ = "read", "Read an article"
    ANSWERED = "answered", "Said the article answered the question"
    NOT_ANSWERED = "not_answered", "Said it did not"
    SUBMITTED = "submitted", "Sent the request anyway"


class Deflection(models.Model):
    """A customer on the portal's request form who read a suggested article: counted as
    deflected unless they went on to send the request."""

    translation = models.ForeignKey(
        ArticleTranslation, on_delete=models.CASCADE, related_name="deflections"
    )
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    query = models.CharField(max_length=500, blank=True)
    outcome = models.CharField(
        max_length=15, choices=DeflectionOutcome.choices, default=DeflectionOutcome.READ
    )
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["outcome", "created_at"], name="knowledge_deflection_outcome")
        ]

    def __str__(self) -> str:
        return f"{self.translation_id}: {self.outcome}"
