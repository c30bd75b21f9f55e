SELECT
  CONCAT(
    CONCAT(
      CONCAT(
        'FY',
        CAST(IFF(
          CAST(DATE_PART(month, "t1"."period_start") AS BIGINT) >= 1,
          CAST(DATE_PART(year, "t1"."period_start") AS BIGINT),
          CAST(DATE_PART(year, "t1"."period_start") AS BIGINT) - 1
        ) AS VARCHAR)
      ),
      '-Q'
    ),
    CAST(CAST(FLOOR(
      (
        (
          (
            CAST(DATE_PART(month, "t1"."period_start") AS BIGINT) - 1
          ) + 12
        ) % 12
      ) / (
        3
      )
    ) AS BIGINT) + 1 AS VARCHAR)
  ) AS "period",
  "t1"."period_start",
  TO_DATE(DATEADD(DAY, -'1', DATEADD(MONTH, '3', CAST("t1"."period_start" AS TIMESTAMP)))) AS "period_end",
  CAST("t1"."dimension_value" AS VARCHAR) AS "dimension_value",
  "t1"."value",
  "t1"."numerator",
  "t1"."denominator",
  "t1"."maturing"
FROM (
  SELECT
    DATE_FROM_PARTS(
      CAST(FLOOR(
        (
          (
            CAST(SUBSTRING("t0"."period", IFF((
              2 + 1
            ) >= 1, 2 + 1, 2 + 1 + LENGTH("t0"."period")), 4) AS BIGINT) * 12
          ) + 0 + (
            (
              CAST(SUBSTRING("t0"."period", IFF((
                8 + 1
              ) >= 1, 8 + 1, 8 + 1 + LENGTH("t0"."period")), 1) AS BIGINT) - 1
            ) * 3
          )
        ) / (
          12
        )
      ) AS BIGINT),
      (
        (
          (
            CAST(SUBSTRING("t0"."period", IFF((
              2 + 1
            ) >= 1, 2 + 1, 2 + 1 + LENGTH("t0"."period")), 4) AS BIGINT) * 12
          ) + 0 + (
            (
              CAST(SUBSTRING("t0"."period", IFF((
                8 + 1
              ) >= 1, 8 + 1, 8 + 1 + LENGTH("t0"."period")), 1) AS BIGINT) - 1
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
    AND STARTSWITH("t0"."period", 'FY')
    AND CONTAINS("t0"."period", '-Q')
) AS "t1"
ORDER BY
  "t1"."period_start" ASC,
  CAST("t1"."dimension_value" AS VARCHAR) ASC
