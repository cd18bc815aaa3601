"""The one logger, tracer and metrics of every function (Powertools)."""

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger(service="analytics")
tracer = Tracer(service="analytics")
metrics = Metrics(namespace="Analytics", service="analytics")
