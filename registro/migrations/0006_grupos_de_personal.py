"""Staff groups for the admin: "Mesa de ayuda" looks, "Administradores del registro" manages.

Django creates permissions after migrate (post_migrate), too late for this migration on a
new database, so they are created here first with the same function, on the historical
models. "exportar_derechohabiente" is created here too (the next migration declares it in
the model's Meta); DerechohabienteAdmin.has_exportar_permission checks it.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

MESA_DE_AYUDA = "Mesa de ayuda"
ADMINISTRADORES = "Administradores del registro"
MODELOS = ("derechohabiente", "usuario")
EXPORTAR = "exportar_derechohabiente"

PERMISOS = {
    MESA_DE_AYUDA: [f"view_{modelo}" for modelo in MODELOS],
    ADMINISTRADORES: [
        f"{accion}_{modelo}"
        for modelo in MODELOS
        for accion in ("view", "add", "change", "delete")
    ]
    + [EXPORTAR],
}


def crear_grupos(apps, schema_editor):
    alias = schema_editor.connection.alias
    # create_permissions takes the installed app only to check it has models; it reads the
    # models themselves from `apps`, the historical state.
    create_permissions(
        global_apps.get_app_config("registro"), verbosity=0, using=alias, apps=apps
    )
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")

    tipo = ContentType.objects.using(alias).get(app_label="registro", model="derechohabiente")
    Permission.objects.using(alias).get_or_create(
        content_type=tipo,
        codename=EXPORTAR,
        defaults={"name": "Puede exportar derechohabientes a CSV"},
    )
    for nombre, codigos in PERMISOS.items():
        grupo, _ = Group.objects.using(alias).get_or_create(name=nombre)
        permisos = Permission.objects.using(alias).filter(
            content_type__app_label="registro", codename__in=codigos
        )
        if permisos.count() != len(codigos):
            raise RuntimeError(f"Faltan permisos para el grupo {nombre!r}: {codigos}")
        grupo.permissions.set(permisos)


def borrar_grupos(apps, schema_editor):
    alias = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.using(alias).filter(name__in=PERMISOS).delete()
    Permission.objects.using(alias).filter(
        content_type__app_label="registro", codename=EXPORTAR
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registro", "0005_llenar_campos_derivados"),
        # Written at the same time as this one; depending on it keeps one leaf node.
        ("registro", "0006_indices_sin_like"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(crear_grupos, borrar_grupos)]
