"""Fill the new derived columns of existing derechohabientes from their CURP and names."""

from django.db import migrations


def llenar(apps, schema_editor):
    from registro.padron import curp
    from registro.models import clave_de_nombre

    Derechohabiente = apps.get_model("registro", "Derechohabiente")
    cambiados = []
    for dh in Derechohabiente.objects.all().iterator(chunk_size=2000):
        dh.clave_nombre = clave_de_nombre(dh.primer_apellido, dh.segundo_apellido, dh.nombre)
        if curp.es_valida(dh.curp):
            dh.fecha_nacimiento = curp.fecha_de_nacimiento(dh.curp)
            dh.sexo = dh.curp[10]
            dh.entidad = dh.curp[11:13]
        cambiados.append(dh)
    Derechohabiente.objects.bulk_update(
        cambiados, ["clave_nombre", "fecha_nacimiento", "sexo", "entidad"], batch_size=2000
    )


class Migration(migrations.Migration):
    dependencies = [("registro", "0004_registro_nacional")]
    operations = [migrations.RunPython(llenar, migrations.RunPython.noop)]
