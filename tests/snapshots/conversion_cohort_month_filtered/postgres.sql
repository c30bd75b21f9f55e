SELECT
  CAST(CAST(EXTRACT(year FROM "t10"."period_start") AS BIGINT) AS VARCHAR) || '-' || CASE
    WHEN CAST(EXTRACT(month FROM "t10"."period_start") AS BIGINT) < 10
    THEN '0' || CAST(CAST(EXTRACT(month FROM "t10"."period_start") AS BIGINT) AS VARCHAR)
    ELSE CAST(CAST(EXTRACT(month FROM "t10"."period_start") AS BIGINT) AS VARCHAR)
  END AS "period",
  "t10"."period_start",
  DATE(
    (
      CAST("t10"."period_start" AS TIMESTAMP) + INTERVAL '1 MONTH'
    ) - INTERVAL '1 DAY'
  ) AS "period_end",
  "t10"."dimension_value",
  CAST("t10"."num" AS DOUBLE PRECISION) / NULLIF(CAST("t10"."den" AS DOUBLE PRECISION), 0.0) AS "value",
  CAST("t10"."num" AS DOUBLE PRECISION) AS "numerator",
  CAST("t10"."den" AS DOUBLE PRECISION) AS "denominator",
  DATE(
    CAST(DATE(
      (
        CAST("t10"."period_start" AS TIMESTAMP) + INTERVAL '1 MONTH'
      ) - INTERVAL '1 DAY'
    ) AS TIMESTAMP) + INTERVAL '30 DAY'
  ) > MAKE_DATE(2026, 5, 31) AS "maturing"
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
      MAKE_DATE(
        CAST(CAST(EXTRACT(year FROM DATE("t8"."strict_1")) AS BIGINT) AS INT),
        CAST(CAST(EXTRACT(month FROM DATE("t8"."strict_1")) AS BIGINT) AS INT),
        CAST(1 AS INT)
      ) AS "period_start",
      CASE
        WHEN (
          "t8"."strict_2" IS NOT NULL
        )
        AND (
          "t8"."strict_2" <= (
            "t8"."strict_1" + INTERVAL '30 DAY'
          )
        )
        AND (
          "t8"."strict_2" < (
            CAST('2026-05-31T00:00:00' AS TIMESTAMP) + INTERVAL '1 DAY'
          )
        )
        THEN 1
        ELSE 0
      END AS "hit"
    FROM (
      SELECT
        "t7"."lead_key",
        "t7"."strict_1",
        "t7"."strict_2",
        "t7"."channel"
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
            MIN("t3"."entered_at") FILTER(WHERE
              "t3"."stage" = 'mql') AS "strict_1",
            MIN("t3"."entered_at") FILTER(WHERE
              "t3"."stage" = 'sql') AS "strict_2"
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
