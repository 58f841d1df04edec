from django.core.management.base import BaseCommand, CommandError

from registro.models import SalaDeEspera
from registro.sala_de_espera import admision


class Command(BaseCommand):
    help = (
        "Enciende, apaga o pone en automático la sala de espera del registro para todos los "
        "servidores a la vez (en menos de un segundo, sin reiniciarlos), y fija o libera la "
        "tasa de admisión. Sin argumentos, muestra cómo está."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "modo",
            nargs="?",
            choices=[*SalaDeEspera.Modo.values, "como-el-entorno"],
            help="automatica: fila solo si llegan más personas de las que caben; siempre: "
            "todos pasan por la fila; apagada: sin fila; como-el-entorno: lo que diga "
            "SALA_DE_ESPERA en cada servidor.",
        )
        parser.add_argument(
            "--tasa",
            metavar="PERSONAS_POR_SEGUNDO|medida",
            help="Personas admitidas por segundo entre todos los servidores (0 detiene la fila), "
            "o 'medida': la que miden los servidores.",
        )

    def handle(self, modo, tasa, **options):
        sala = admision.sala()  # creates the row if a flush removed it
        cambios = {}
        if modo is not None:
            cambios["modo"] = "" if modo == "como-el-entorno" else modo
        if tasa is not None:
            cambios["tasa_fija"] = None if tasa == "medida" else self._tasa(tasa)
        if cambios:
            SalaDeEspera.objects.filter(pk=1).update(**cambios)
            admision.olvidar()
            sala = admision.sala()
        self.stdout.write(
            f"Sala de espera: {sala.modo}; admite {sala.tasa:.2f} personas por segundo; "
            f"turnos dados: {sala.emitidos}; admitidos hasta el {int(sala.admitidos)}."
        )

    def _tasa(self, texto: str) -> float:
        try:
            tasa = float(texto)
        except ValueError:
            raise CommandError("--tasa: un número de personas por segundo, o 'medida'.") from None
        if tasa < 0:
            raise CommandError("--tasa: no puede ser negativa.")
        return tasa
