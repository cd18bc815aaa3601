"""`analytics-local`: the whole API on one machine, playing API Gateway, its JWT authorizer, SQS, S3 and
EventBridge (moto) around the real handlers and a real PostgreSQL."""
