from django.contrib import admin

from frontline.knowledge.models import Article, ArticleTranslation, Category, Section

admin.site.register(Category)
admin.site.register(Section)
admin.site.register(Article)
admin.site.register(ArticleTranslation)
