SELECT
  'FY' || CAST(CASE
    WHEN CAST(EXTRACT(month FROM "t1"."period_start") AS BIGINT) >= 1
    THEN CAST(EXTRACT(year FROM "t1"."period_start") AS BIGINT)
    ELSE CAST(EXTRACT(year FROM "t1"."period_start") AS BIGINT) - 1
  END AS TEXT) || '-Q' || CAST(CAST(FLOOR(
    (
      (
        (
          CAST(EXTRACT(month FROM "t1"."period_start") AS BIGINT) - 1
        ) + 12
      ) % 12
    ) / (
      3
    )
  ) AS BIGINT) + 1 AS TEXT) AS "period",
  "t1"."period_start",
  CAST((
    CAST("t1"."period_start" AS TIMESTAMP) + INTERVAL '3' MONTH
  ) - INTERVAL '1' DAY AS DATE) AS "period_end",
  CAST("t1"."dimension_value" AS TEXT) AS "dimension_value",
  "t1"."value",
  "t1"."numerator",
  "t1"."denominator",
  "t1"."maturing"
FROM (
  SELECT
    MAKE_DATE(
      CAST(FLOOR(
        (
          (
            CAST(SUBSTRING(
              "t0"."period",
              CASE WHEN (
                2 + 1
              ) >= 1 THEN 2 + 1 ELSE 2 + 1 + LENGTH("t0"."period") END,
              4
            ) AS BIGINT) * 12
          ) + 0 + (
            (
              CAST(SUBSTRING(
                "t0"."period",
                CASE WHEN (
                  8 + 1
                ) >= 1 THEN 8 + 1 ELSE 8 + 1 + LENGTH("t0"."period") END,
                1
              ) AS BIGINT) - 1
            ) * 3
          )
        ) / (
          12
        )
      ) AS BIGINT),
      (
        (
          (
            CAST(SUBSTRING(
              "t0"."period",
              CASE WHEN (
                2 + 1
              ) >= 1 THEN 2 + 1 ELSE 2 + 1 + LENGTH("t0"."period") END,
              4
            ) AS BIGINT) * 12
          ) + 0 + (
            (
              CAST(SUBSTRING(
                "t0"."period",
                CASE WHEN (
                  8 + 1
                ) >= 1 THEN 8 + 1 ELSE 8 + 1 + LENGTH("t0"."period") END,
                1
              ) AS BIGINT) - 1
            ) * 3
          )
        ) % 12
      ) + 1,
      1
    ) AS "period_start",
    "t0"."dimension_value",
    CAST("t0"."value" AS DOUBLE) AS "value",
    CAST("t0"."value" AS DOUBLE) AS "numerator",
    CAST(NULL AS DOUBLE) AS "denominator",
    FALSE AS "maturing"
  FROM "manual_values" AS "t0"
  WHERE
    "t0"."node_id" = 'nps'
    AND "t0"."dimension" = ''
    AND STARTS_WITH("t0"."period", 'FY')
    AND CONTAINS("t0"."period", '-Q')
) AS "t1"
ORDER BY
  "t1"."period_start" ASC,
  CAST("t1"."dimension_value" AS TEXT) ASC
