SELECT
  CAST(CAST(EXTRACT(year FROM "t9"."period_start") AS BIGINT) AS TEXT) || '-' || CASE
    WHEN CAST(EXTRACT(month FROM "t9"."period_start") AS BIGINT) < 10
    THEN '0' || CAST(CAST(EXTRACT(month FROM "t9"."period_start") AS BIGINT) AS TEXT)
    ELSE CAST(CAST(EXTRACT(month FROM "t9"."period_start") AS BIGINT) AS TEXT)
  END AS "period",
  "t9"."period_start",
  CAST((
    CAST("t9"."period_start" AS TIMESTAMP) + INTERVAL '1' MONTH
  ) - INTERVAL '1' DAY AS DATE) AS "period_end",
  "t9"."dimension_value",
  CAST("t9"."num" AS DOUBLE) / NULLIF(CAST("t9"."den" AS DOUBLE), 0.0) AS "value",
  CAST("t9"."num" AS DOUBLE) AS "numerator",
  CAST("t9"."den" AS DOUBLE) AS "denominator",
  FALSE AS "maturing"
FROM (
  SELECT
    "t8"."period_start",
    "t8"."dimension_value",
    COUNT(DISTINCT "t8"."person") FILTER(WHERE
      "t8"."activity_type" = 'email_open') AS "num",
    COUNT(DISTINCT "t8"."person") FILTER(WHERE
      "t8"."activity_type" = 'email_delivered') AS "den"
  FROM (
    SELECT
      "t7"."activity_key",
      "t7"."source_system",
      "t7"."source_id",
      "t7"."lead_key",
      "t7"."email",
      "t7"."occurred_at",
      "t7"."activity_type",
      "t7"."campaign",
      "t7"."channel",
      "t7"."detail",
      "t7"."quantity",
      "t7"."attributes",
      "t7"."content_hash",
      "t7"."import_id",
      "t7"."loaded_at",
      "t7"."segment",
      CASE
        WHEN (
          "t7"."segment" IS NULL
        ) OR (
          "t7"."segment" = ''
        )
        THEN '(none)'
        ELSE "t7"."segment"
      END AS "dimension_value",
      MAKE_DATE(
        CAST(EXTRACT(year FROM CAST("t7"."occurred_at" AS DATE)) AS BIGINT),
        CAST(EXTRACT(month FROM CAST("t7"."occurred_at" AS DATE)) AS BIGINT),
        1
      ) AS "period_start",
      COALESCE("t7"."lead_key", "t7"."email") AS "person"
    FROM (
      SELECT
        "t6".*
        EXCLUDE ("_lead_key")
      FROM (
        SELECT
          "t5"."activity_key",
          "t5"."source_system",
          "t5"."source_id",
          "t5"."lead_key",
          "t5"."email",
          "t5"."occurred_at",
          "t5"."activity_type",
          "t5"."campaign",
          "t5"."channel",
          "t5"."detail",
          "t5"."quantity",
          "t5"."attributes",
          "t5"."content_hash",
          "t5"."import_id",
          "t5"."loaded_at",
          "t4"."_lead_key",
          "t4"."segment"
        FROM (
          SELECT
            *
          FROM "activities" AS "t0"
          WHERE
            "t0"."activity_type" IN ('email_open', 'email_delivered')
        ) AS "t5"
        LEFT OUTER JOIN (
          SELECT
            "t1"."lead_key" AS "_lead_key",
            "t1"."segment"
          FROM "leads" AS "t1"
        ) AS "t4"
          ON "t5"."lead_key" = "t4"."_lead_key"
      ) AS "t6"
    ) AS "t7"
  ) AS "t8"
  GROUP BY
    1,
    2
) AS "t9"
ORDER BY
  "t9"."period_start" ASC,
  "t9"."dimension_value" ASC
