"""The second factor (issue 19): an authenticator app and recovery codes, asked at login after
the password. flows.py decides, ingreso_pendiente.py keeps the half-done login, forms.py and
views.py are the pages."""
