"""The newsroom's roles, as permission sets. Data migrations apply them (0002, and again
whenever this list changes); `apply_roles` leaves the groups exactly as listed here."""

REPORTER = "Reporter"
EDITOR = "Editor"

ROLE_PERMISSIONS = {
    REPORTER: [
        "articles.add_article", "articles.change_article", "articles.view_article",
        "articles.add_articlebyline", "articles.change_articlebyline",
        "articles.delete_articlebyline", "articles.view_articlebyline",
        "articles.add_tag", "articles.view_tag",
        "articles.add_byline", "articles.view_byline",
        "articles.view_editor", "articles.view_region", "articles.view_correction",
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
        "articles.add_correction", "articles.change_correction", "articles.delete_correction",
        "articles.view_correction",
    ],
}  # fmt: skip


def apply_roles(group_model, permission_model, missing_ok=False):
    """Set each role's permissions. `missing_ok` is for early migrations, which run before
    later models (and so their permissions) exist; a later migration applies them."""
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        permissions = []
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            permission = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is None and not missing_ok:
                raise permission_model.DoesNotExist(f"No permission {dotted}")
            if permission is not None:
                permissions.append(permission)
        group.permissions.set(permissions)
