"""The newsroom's roles, as permission sets. Applied by a data migration and by
`manage.py setup_roles`; both leave the groups exactly as listed here."""

REPORTER = "Reporter"
EDITOR = "Editor"

ROLE_PERMISSIONS = {
    REPORTER: [
        "articles.add_article", "articles.change_article", "articles.view_article",
        "articles.add_articlebyline", "articles.change_articlebyline",
        "articles.delete_articlebyline", "articles.view_articlebyline",
        "articles.add_tag", "articles.view_tag",
        "articles.add_byline", "articles.view_byline",
        "articles.view_editor", "articles.view_region",
    ],
    EDITOR: [
        "articles.add_article", "articles.change_article", "articles.delete_article",
        "articles.view_article", "articles.publish_article",
        "articles.add_articlebyline", "articles.change_articlebyline",
        "articles.delete_articlebyline", "articles.view_articlebyline",
        "articles.add_tag", "articles.change_tag", "articles.delete_tag", "articles.view_tag",
        "articles.add_byline", "articles.change_byline", "articles.delete_byline",
        "articles.view_byline",
        "articles.add_editor", "articles.change_editor", "articles.view_editor",
        "articles.add_region", "articles.change_region", "articles.view_region",
    ],
}  # fmt: skip


def apply_roles(group_model, permission_model):
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        permissions = []
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            permissions.append(
                permission_model.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)
