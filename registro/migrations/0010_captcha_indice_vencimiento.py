"""An index on the captcha challenges' expiration (django-simple-captcha's table).

Every "Crear usuario" runs the library's CaptchaStore.remove_expired(), a DELETE of the
challenges past their expiration; the library has no index on it, so each one read the
whole table, which holds every challenge shown in the last 10 minutes: about 170,000 rows
at 280 step-2 views a second, read once per registration.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registro", "0009_indice_filtros_admin"),
        ("captcha", "0002_alter_captchastore_id"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX captcha_captchastore_vence ON captcha_captchastore (expiration)",
            "DROP INDEX captcha_captchastore_vence",
        )
    ]
