"""The platform's domain insights (partners, projects, social media, notifications) and the executive
summary, answered from the stored metrics named in analytics.insight_metrics."""

from analytics.services.insights import notifications, partners, projects, social
from analytics.services.insights.executive import executive_summary
from analytics.services.insights.period import InsightPeriod

__all__ = ["InsightPeriod", "executive_summary", "notifications", "partners", "projects", "social"]
