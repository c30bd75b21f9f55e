SELECT
  'FY' || CAST(CASE
    WHEN CAST(EXTRACT(month FROM "t1"."period_start") AS BIGINT) >= 1
    THEN CAST(EXTRACT(year FROM "t1"."period_start") AS BIGINT)
    ELSE CAST(EXTRACT(year FROM "t1"."period_start") AS BIGINT) - 1
  END AS VARCHAR) || '-Q' || CAST(CAST(FLOOR(
    CAST((
      (
        (
          CAST(EXTRACT(month FROM "t1"."period_start") AS BIGINT) - 1
        ) + 12
      ) % 12
    ) AS DOUBLE PRECISION) / (
      3
    )
  ) AS BIGINT) + 1 AS VARCHAR) AS "period",
  "t1"."period_start",
  DATE(
    (
      CAST("t1"."period_start" AS TIMESTAMP) + INTERVAL '3 MONTH'
    ) - INTERVAL '1 DAY'
  ) AS "period_end",
  CAST("t1"."dimension_value" AS VARCHAR) AS "dimension_value",
  "t1"."value",
  "t1"."numerator",
  "t1"."denominator",
  "t1"."maturing"
FROM (
  SELECT
    MAKE_DATE(
      CAST(CAST(FLOOR(
        CAST((
          (
            CAST(SUBSTRING("t0"."period" FROM CASE WHEN (
              2 + 1
            ) >= 1 THEN 2 + 1 ELSE 2 + 1 + LENGTH("t0"."period") END FOR 4) AS BIGINT) * 12
          ) + 0 + (
            (
              CAST(SUBSTRING("t0"."period" FROM CASE WHEN (
                8 + 1
              ) >= 1 THEN 8 + 1 ELSE 8 + 1 + LENGTH("t0"."period") END FOR 1) AS BIGINT) - 1
            ) * 3
          )
        ) AS DOUBLE PRECISION) / (
          12
        )
      ) AS BIGINT) AS INT),
      CAST((
        (
          (
            CAST(SUBSTRING("t0"."period" FROM CASE WHEN (
              2 + 1
            ) >= 1 THEN 2 + 1 ELSE 2 + 1 + LENGTH("t0"."period") END FOR 4) AS BIGINT) * 12
          ) + 0 + (
            (
              CAST(SUBSTRING("t0"."period" FROM CASE WHEN (
                8 + 1
              ) >= 1 THEN 8 + 1 ELSE 8 + 1 + LENGTH("t0"."period") END FOR 1) AS BIGINT) - 1
            ) * 3
          )
        ) % 12
      ) + 1 AS INT),
      CAST(1 AS INT)
    ) AS "period_start",
    "t0"."dimension_value",
    CAST("t0"."value" AS DOUBLE PRECISION) AS "value",
    CAST("t0"."value" AS DOUBLE PRECISION) AS "numerator",
    CAST(NULL AS DOUBLE PRECISION) AS "denominator",
    FALSE AS "maturing"
  FROM "manual_values" AS "t0"
  WHERE
    "t0"."node_id" = 'nps'
    AND "t0"."dimension" = ''
    AND STARTS_WITH("t0"."period", 'FY')
    AND POSITION('-Q' IN "t0"."period") > 0
) AS "t1"
ORDER BY
  "t1"."period_start" ASC,
  CAST("t1"."dimension_value" AS VARCHAR) ASC
