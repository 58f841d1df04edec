"""The person's own activity (issue 19): what happened to their account, from which device;
an e-mail when it matters; and "No fui yo". flows.py records and reports, dispositivos.py
describes a device and cuts an address short, views.py is "Mi actividad" and "No fui yo"."""
