WITH "t2" AS (
  SELECT
    "t1"."lead_key",
    MIN(IFF("t1"."stage" = 'mql', "t1"."entered_at", NULL)) AS "strict_1",
    MIN(IFF("t1"."stage" = 'sql', "t1"."entered_at", NULL)) AS "strict_2"
  FROM (
    SELECT
      *
    FROM "lead_stages" AS "t0"
    WHERE
      "t0"."stage" IN ('mql', 'sql')
  ) AS "t1"
  GROUP BY
    1
)
SELECT
  CONCAT(
    CONCAT(
      CONCAT(
        'FY',
        CAST(IFF(
          CAST(DATE_PART(month, "t7"."period_start") AS BIGINT) >= 4,
          CAST(DATE_PART(year, "t7"."period_start") AS BIGINT),
          CAST(DATE_PART(year, "t7"."period_start") AS BIGINT) - 1
        ) AS VARCHAR)
      ),
      '-Q'
    ),
    CAST(CAST(FLOOR(
      (
        (
          (
            CAST(DATE_PART(month, "t7"."period_start") AS BIGINT) - 4
          ) + 12
        ) % 12
      ) / (
        3
      )
    ) AS BIGINT) + 1 AS VARCHAR)
  ) AS "period",
  "t7"."period_start",
  TO_DATE(DATEADD(DAY, -'1', DATEADD(MONTH, '3', CAST("t7"."period_start" AS TIMESTAMP)))) AS "period_end",
  "t7"."dimension_value",
  "t7"."num" / NULLIF("t7"."den", 0.0) AS "value",
  "t7"."num" AS "numerator",
  "t7"."den" AS "denominator",
  FALSE AS "maturing"
FROM (
  SELECT
    "t6"."period_start",
    "t6"."dimension_value",
    SUM("t6"."num") AS "num",
    SUM("t6"."den") AS "den"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        DATE_FROM_PARTS(
          CAST(FLOOR(
            (
              (
                (
                  CAST(DATE_PART(year, TO_DATE("t3"."strict_1")) AS BIGINT) * 12
                ) + (
                  CAST(DATE_PART(month, TO_DATE("t3"."strict_1")) AS BIGINT) - 1
                )
              ) - (
                (
                  (
                    CAST(DATE_PART(month, TO_DATE("t3"."strict_1")) AS BIGINT) - 4
                  ) + 12
                ) % 3
              )
            ) / (
              12
            )
          ) AS BIGINT),
          (
            (
              (
                (
                  CAST(DATE_PART(year, TO_DATE("t3"."strict_1")) AS BIGINT) * 12
                ) + (
                  CAST(DATE_PART(month, TO_DATE("t3"."strict_1")) AS BIGINT) - 1
                )
              ) - (
                (
                  (
                    CAST(DATE_PART(month, TO_DATE("t3"."strict_1")) AS BIGINT) - 4
                  ) + 12
                ) % 3
              )
            ) % 12
          ) + 1,
          1
        ) AS "period_start",
        '' AS "dimension_value",
        0.0 AS "num",
        1.0 AS "den"
      FROM "t2" AS "t3"
      WHERE
        "t3"."strict_1" IS NOT NULL
    ) AS "t4"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        DATE_FROM_PARTS(
          CAST(FLOOR(
            (
              (
                (
                  CAST(DATE_PART(year, TO_DATE("t3"."strict_2")) AS BIGINT) * 12
                ) + (
                  CAST(DATE_PART(month, TO_DATE("t3"."strict_2")) AS BIGINT) - 1
                )
              ) - (
                (
                  (
                    CAST(DATE_PART(month, TO_DATE("t3"."strict_2")) AS BIGINT) - 4
                  ) + 12
                ) % 3
              )
            ) / (
              12
            )
          ) AS BIGINT),
          (
            (
              (
                (
                  CAST(DATE_PART(year, TO_DATE("t3"."strict_2")) AS BIGINT) * 12
                ) + (
                  CAST(DATE_PART(month, TO_DATE("t3"."strict_2")) AS BIGINT) - 1
                )
              ) - (
                (
                  (
                    CAST(DATE_PART(month, TO_DATE("t3"."strict_2")) AS BIGINT) - 4
                  ) + 12
                ) % 3
              )
            ) % 12
          ) + 1,
          1
        ) AS "period_start",
        '' AS "dimension_value",
        1.0 AS "num",
        0.0 AS "den"
      FROM "t2" AS "t3"
      WHERE
        "t3"."strict_2" IS NOT NULL
    ) AS "t5"
  ) AS "t6"
  GROUP BY
    1,
    2
) AS "t7"
ORDER BY
  "t7"."period_start" ASC,
  "t7"."dimension_value" ASC
