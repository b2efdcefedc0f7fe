"""The agent workspace: inbox, ticket page, bulk actions, supervisor view (htmx)."""
