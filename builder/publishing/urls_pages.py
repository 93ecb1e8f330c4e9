"""Public pages of sharing (listed in builder.core.public: they answer anonymous visitors)."""

from django.urls import path

from builder.publishing import pages

urlpatterns = [
    path("chat/<str:token>/", pages.web_chat_page, name="web-chat"),
    path("embed.js", pages.embed_js, name="web-chat-embed-js"),
]
