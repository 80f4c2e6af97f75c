"""The feedback settings (docs/feedback.md), read once by the composition root."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from feedback.replies import FeedbackPolicy


class FeedbackSettings(BaseModel):
    model_config = ConfigDict(frozen=True, alias_generator=lambda name: f"FEEDBACK_{name.upper()}")

    # Reopenings by the reporter that go back to the pokja; the next goes to supervisors.
    reopen_limit: int = Field(2, ge=0, le=20)

    def policy(self, timezone: str) -> FeedbackPolicy:
        return FeedbackPolicy(reopen_limit=self.reopen_limit, timezone=timezone)
