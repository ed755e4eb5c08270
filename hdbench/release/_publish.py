"""Publishing a release to the Hugging Face Hub: one dataset repository, one tag per version."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel

from hdbench.release._errors import ReleaseError, ReleaseExistsError
from hdbench.release._release import open_release


class PublishPlan(BaseModel):
    """What ``publish`` uploads and tags."""

    repo_id: str
    tag: str
    files: list[str]
    revision_url: str


def publish_plan(path: str | Path, repo_id: str) -> PublishPlan:
    """The files and tag a publish would create (no network)."""
    release = open_release(path)
    files = sorted(str(p.relative_to(release.path)) for p in release.path.rglob("*") if p.is_file())
    tag = f"v{release.version}"
    return PublishPlan(
        repo_id=repo_id,
        tag=tag,
        files=files,
        revision_url=f"https://huggingface.co/datasets/{repo_id}/tree/{tag}",
    )


def publish(path: str | Path, repo_id: str, token: str | None = None, private: bool = False) -> PublishPlan:
    """Upload a release folder to the Hub dataset ``repo_id`` and tag the commit ``v<version>``.

    The token comes from the argument or ``HF_TOKEN``; it is never written anywhere. A tag that
    already exists is never moved: publish a new version instead. Users then load it with
    ``load_dataset(repo_id, config, revision="v<version>")``.
    """
    from huggingface_hub import HfApi  # imported here: only publishing needs the Hub client

    token = token or os.environ.get("HF_TOKEN")
    if not token:
        raise ReleaseError("publishing needs a Hub token: pass --token or set HF_TOKEN")
    plan = publish_plan(path, repo_id)
    api = HfApi(token=token)
    api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
    refs = api.list_repo_refs(repo_id, repo_type="dataset")
    if any(t.name == plan.tag for t in refs.tags):
        raise ReleaseExistsError(f"{repo_id} already has tag {plan.tag}: versions are never overwritten")
    commit = api.upload_folder(
        folder_path=str(open_release(path).path),
        repo_id=repo_id,
        repo_type="dataset",
        commit_message=f"hdbench release {plan.tag}",
        delete_patterns=["*.parquet", "*.json", "README.md"],  # mirror this version exactly
    )
    api.create_tag(repo_id, tag=plan.tag, repo_type="dataset", revision=commit.oid)
    return plan
