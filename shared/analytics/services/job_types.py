"""What a run of each job type does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from analytics.enums import JobType
from analytics.errors import InvalidRequest
from analytics.ports import UnitOfWork
from analytics.report_ports import Mailer, ReportFiles
from analytics.schemas.jobs import JobResponse
from analytics.schemas.sync import DataSyncJobConfig
from analytics.services.jobs import JobRunner
from analytics.services.reports import run_report_job
from analytics.services.scheduled_tasks import TASKS, run_task

# Job types that run the built-in task of the same name.
TASK_OF_TYPE = {JobType.GOAL_UPDATE: "goal_update"}


def job_runner(
    unit_of_work: Callable[[], UnitOfWork],
    files: Callable[[], ReportFiles],
    mailer: Callable[[], Mailer],
    clock: Callable[[], dt.datetime],
) -> JobRunner:
    """Adapters are built only by the job types that use them."""
    from analytics.settings import get_settings

    def run(job: JobResponse, config: dict[str, Any]) -> dict[str, Any]:
        if job.job_type is JobType.REPORT_GENERATION:
            return run_report_job(unit_of_work, files(), mailer(), job, config, get_settings(), clock())
        if job.job_type is JobType.CUSTOM:
            task = config.get("task")
            if not isinstance(task, str):
                known = ", ".join(TASKS)
                raise InvalidRequest(
                    f"a custom job runs the built-in task named by `task` in its config: {known}"
                )
            return run_task(task).model_dump(mode="json")
        if job.job_type is JobType.DATA_SYNC:
            return _sync(config).model_dump(mode="json")
        return run_task(TASK_OF_TYPE[job.job_type]).model_dump(mode="json")

    def _sync(config: dict[str, Any]) -> BaseModel:
        from analytics.services.sync import sync_round
        from analytics.wiring import export_source

        settings = get_settings()
        wanted = DataSyncJobConfig.model_validate(config)
        return sync_round(
            unit_of_work,
            export_source,
            settings,
            clock,
            wanted.chosen(settings.SYNC_SERVICES),
            wanted.sync_type,
        )

    return run
