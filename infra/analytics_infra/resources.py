"""Logical names of the stack's AWS resources, shared by the CDK constructs and the local runner.

On AWS, CloudFormation picks the physical names and passes them to functions as environment
variables; locally, the runner creates resources with these names in moto and sets the same variables.
"""

INGEST_QUEUE = "analytics-ingest"
INGEST_DLQ = "analytics-ingest-dlq"
INGEST_MAX_RECEIVES = 5
REPORTS_BUCKET = "analytics-reports"
REPORTS_QUEUE = "analytics-reports"
REPORTS_DLQ = "analytics-reports-dlq"
REPORTS_MAX_RECEIVES = 3
EVENT_BUS = "analytics-bus"
