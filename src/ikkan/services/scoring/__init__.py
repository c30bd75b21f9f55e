"""Lead scoring use cases: score leads in the warehouse, show one lead, measure the score's
quality on a time split, compare a changed rule (what-if) and publish it."""
