"""The image captcha of step 2 ("Escriba el código de la imagen", "Actualizar Imagen"), on
django-simple-captcha: the challenge and its store (reto), the image (imagen), the audio
version (audio), the form field and widget (fields), their views and URLs."""
