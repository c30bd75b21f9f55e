SELECT
  CONCAT(
    CONCAT(CAST(CAST(DATE_PART(year, "t10"."period_start") AS BIGINT) AS VARCHAR), '-'),
    IFF(
      CAST(DATE_PART(month, "t10"."period_start") AS BIGINT) < 10,
      CONCAT('0', CAST(CAST(DATE_PART(month, "t10"."period_start") AS BIGINT) AS VARCHAR)),
      CAST(CAST(DATE_PART(month, "t10"."period_start") AS BIGINT) AS VARCHAR)
    )
  ) AS "period",
  "t10"."period_start",
  TO_DATE(DATEADD(DAY, -'1', DATEADD(MONTH, '1', CAST("t10"."period_start" AS TIMESTAMP)))) AS "period_end",
  "t10"."dimension_value",
  CAST("t10"."num" AS DOUBLE) / NULLIF(CAST("t10"."den" AS DOUBLE), 0.0) AS "value",
  CAST("t10"."num" AS DOUBLE) AS "numerator",
  CAST("t10"."den" AS DOUBLE) AS "denominator",
  TO_DATE(
    DATEADD(
      DAY,
      '30',
      CAST(TO_DATE(DATEADD(DAY, -'1', DATEADD(MONTH, '1', CAST("t10"."period_start" AS TIMESTAMP)))) AS TIMESTAMP)
    )
  ) > DATE_FROM_PARTS(2026, 5, 31) AS "maturing"
FROM (
  SELECT
    "t9"."period_start",
    "t9"."dimension_value",
    SUM("t9"."hit") AS "num",
    COUNT(*) AS "den"
  FROM (
    SELECT
      "t8"."lead_key",
      "t8"."strict_1",
      "t8"."strict_2",
      "t8"."channel",
      '' AS "dimension_value",
      DATE_FROM_PARTS(
        CAST(DATE_PART(year, TO_DATE("t8"."strict_1")) AS BIGINT),
        CAST(DATE_PART(month, TO_DATE("t8"."strict_1")) AS BIGINT),
        1
      ) AS "period_start",
      IFF(
        (
          "t8"."strict_2" IS NOT NULL
        )
        AND (
          "t8"."strict_2" <= DATEADD(DAY, '30', "t8"."strict_1")
        )
        AND (
          "t8"."strict_2" < DATEADD(DAY, '1', TIMESTAMP_FROM_PARTS(2026, 5, 31, 0, 0, 0, 0))
        ),
        1,
        0
      ) AS "hit"
    FROM (
      SELECT
        "t7".*
        EXCLUDE ("_lead_key")
      FROM (
        SELECT
          "t6"."lead_key",
          "t6"."strict_1",
          "t6"."strict_2",
          "t4"."_lead_key",
          "t4"."channel"
        FROM (
          SELECT
            "t3"."lead_key",
            MIN(IFF("t3"."stage" = 'mql', "t3"."entered_at", NULL)) AS "strict_1",
            MIN(IFF("t3"."stage" = 'sql', "t3"."entered_at", NULL)) AS "strict_2"
          FROM (
            SELECT
              *
            FROM "lead_stages" AS "t0"
            WHERE
              "t0"."stage" IN ('mql', 'sql')
          ) AS "t3"
          GROUP BY
            1
        ) AS "t6"
        LEFT OUTER JOIN (
          SELECT
            "t1"."lead_key" AS "_lead_key",
            "t1"."channel"
          FROM "leads" AS "t1"
        ) AS "t4"
          ON "t6"."lead_key" = "t4"."_lead_key"
      ) AS "t7"
    ) AS "t8"
    WHERE
      "t8"."channel" IN ('paid_search', 'display') AND "t8"."strict_1" IS NOT NULL
  ) AS "t9"
  GROUP BY
    1,
    2
) AS "t10"
ORDER BY
  "t10"."period_start" ASC,
  "t10"."dimension_value" ASC
