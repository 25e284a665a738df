"""Load the packaged model and tokenizer offline, without transformers' console noise."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from stocktake.core.errors import MissingExtraError

_OFFLINE_VARIABLES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")


def force_offline() -> None:
    """Forbid hub access for this process. huggingface_hub reads these when first imported,
    so this runs before transformers is; `local_files_only` below covers a later import."""
    for variable in _OFFLINE_VARIABLES:
        os.environ[variable] = "1"


def limit_torch_threads() -> None:
    """Use no more intra-op threads than CPUs this process may run on (containers and
    `taskset` often allow fewer than the machine has); never raise the count."""
    import torch

    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        available = os.cpu_count() or 1
    if torch.get_num_threads() > available:
        torch.set_num_threads(available)


@contextmanager
def quiet_transformers() -> Iterator[None]:
    """Hide transformers' weight-loading progress bar and its load report (it flags the
    unused `position_ids` buffer of this checkpoint, which is harmless), then restore."""
    from transformers.utils import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    bars_were_on = hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars_were_on:
            hf_logging.enable_progress_bar()


def load_model_and_tokenizer(model_dir: Path):  # -> (PreTrainedModel, PreTrainedTokenizerBase)
    """The packaged BERT model in eval mode, and its fast tokenizer, from local files only."""
    force_offline()
    try:
        from transformers import AutoModel, AutoTokenizer
    except ModuleNotFoundError as error:
        # Only a missing package is the user's to fix; a broken install should show its traceback.
        if error.name is None or error.name.split(".")[0] != "transformers":
            raise
        raise MissingExtraError("transformers", "model") from None
    with quiet_transformers():
        tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True, use_fast=True)
        model = AutoModel.from_pretrained(model_dir, local_files_only=True)
    return model.eval(), tokenizer
