SELECT
  'FY' || CAST(CASE
    WHEN CAST(EXTRACT(month FROM "t10"."period_start") AS BIGINT) >= 1
    THEN CAST(EXTRACT(year FROM "t10"."period_start") AS BIGINT)
    ELSE CAST(EXTRACT(year FROM "t10"."period_start") AS BIGINT) - 1
  END AS VARCHAR) || '-Q' || CAST(CAST(FLOOR(
    CAST((
      (
        (
          CAST(EXTRACT(month FROM "t10"."period_start") AS BIGINT) - 1
        ) + 12
      ) % 12
    ) AS DOUBLE PRECISION) / (
      3
    )
  ) AS BIGINT) + 1 AS VARCHAR) AS "period",
  "t10"."period_start",
  DATE(
    (
      CAST("t10"."period_start" AS TIMESTAMP) + INTERVAL '3 MONTH'
    ) - INTERVAL '1 DAY'
  ) AS "period_end",
  "t10"."dimension_value",
  "t10"."value",
  "t10"."value" AS "numerator",
  CAST(NULL AS DOUBLE PRECISION) AS "denominator",
  FALSE AS "maturing"
FROM (
  SELECT
    *
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
      CAST("t0"."dimension_value" AS VARCHAR) AS "dimension_value",
      CAST("t0"."value" AS DOUBLE PRECISION) AS "value"
    FROM "manual_values" AS "t0"
    WHERE
      "t0"."node_id" = 'nps'
      AND "t0"."dimension" = ''
      AND STARTS_WITH("t0"."period", 'FY')
      AND POSITION('-Q' IN "t0"."period") > 0
  ) AS "t2"
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      "t8"."period_start",
      "t8"."dimension_value",
      "t8"."value"
    FROM (
      SELECT
        "t6"."block" AS "period_start",
        "t6"."dimension_value",
        "t6"."value"
      FROM (
        SELECT
          "t5"."block",
          "t5"."dimension_value",
          AVG("t5"."value") AS "value"
        FROM (
          SELECT
            "t1"."period_start",
            "t1"."dimension_value",
            "t1"."value",
            MAKE_DATE(
              CAST(CAST(FLOOR(
                CAST((
                  (
                    (
                      CAST(EXTRACT(year FROM "t1"."period_start") AS BIGINT) * 12
                    ) + (
                      CAST(EXTRACT(month FROM "t1"."period_start") AS BIGINT) - 1
                    )
                  ) - (
                    (
                      (
                        CAST(EXTRACT(month FROM "t1"."period_start") AS BIGINT) - 1
                      ) + 12
                    ) % 3
                  )
                ) AS DOUBLE PRECISION) / (
                  12
                )
              ) AS BIGINT) AS INT),
              CAST((
                (
                  (
                    (
                      CAST(EXTRACT(year FROM "t1"."period_start") AS BIGINT) * 12
                    ) + (
                      CAST(EXTRACT(month FROM "t1"."period_start") AS BIGINT) - 1
                    )
                  ) - (
                    (
                      (
                        CAST(EXTRACT(month FROM "t1"."period_start") AS BIGINT) - 1
                      ) + 12
                    ) % 3
                  )
                ) % 12
              ) + 1 AS INT),
              CAST(1 AS INT)
            ) AS "block"
          FROM (
            SELECT
              MAKE_DATE(
                CAST(CAST(SUBSTRING("t0"."period" FROM CASE WHEN (
                  0 + 1
                ) >= 1 THEN 0 + 1 ELSE 0 + 1 + LENGTH("t0"."period") END FOR 4) AS BIGINT) AS INT),
                CAST(CAST(SUBSTRING("t0"."period" FROM CASE WHEN (
                  5 + 1
                ) >= 1 THEN 5 + 1 ELSE 5 + 1 + LENGTH("t0"."period") END FOR 2) AS BIGINT) AS INT),
                CAST(1 AS INT)
              ) AS "period_start",
              CAST("t0"."dimension_value" AS VARCHAR) AS "dimension_value",
              CAST("t0"."value" AS DOUBLE PRECISION) AS "value"
            FROM "manual_values" AS "t0"
            WHERE
              "t0"."node_id" = 'nps'
              AND "t0"."dimension" = ''
              AND NOT (
                STARTS_WITH("t0"."period", 'FY')
              )
              AND LENGTH("t0"."period") = 7
          ) AS "t1"
        ) AS "t5"
        GROUP BY
          1,
          2
      ) AS "t6"
    ) AS "t8"
    WHERE
      NOT EXISTS(
        SELECT
          1
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
            ) AS "own_start",
            CAST("t0"."dimension_value" AS VARCHAR) AS "own_value"
          FROM "manual_values" AS "t0"
          WHERE
            "t0"."node_id" = 'nps'
            AND "t0"."dimension" = ''
            AND STARTS_WITH("t0"."period", 'FY')
            AND POSITION('-Q' IN "t0"."period") > 0
        ) AS "t4"
        WHERE
          "t8"."period_start" = "t4"."own_start"
          AND "t8"."dimension_value" = "t4"."own_value"
      )
  ) AS "t9"
) AS "t10"
ORDER BY
  "t10"."period_start" ASC,
  "t10"."dimension_value" ASC
