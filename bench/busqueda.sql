-- Step 1's look-up (DerechohabienteManager._SITUACION, registro/models.py) for a CURP of the
-- registry taken at random by its row's id: pgbench -D minimo=… -D maximo=… (bench/escala.py).
\set id random(:minimo, :maximo)
SELECT d.vigente, EXISTS (
         SELECT 1 FROM registro_usuario u
          WHERE u.derechohabiente_id = d.id AND NOT u.de_version_anterior)
  FROM registro_derechohabiente d
 WHERE d.curp = (SELECT curp FROM registro_derechohabiente WHERE id = :id);
