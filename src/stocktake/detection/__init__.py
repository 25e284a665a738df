"""Few-label cell error detection: `detect_cell_errors(table, oracle, budget, seed)`.

numpy is the only hard dependency of the feature code; scikit-learn and scipy (the
``detect`` extra) are imported when a detector is trained, the encoder (``model`` extra)
only with ``use_encoder=True`` or the fine-tuned transformer head (``head="transformer"|"both"``).
"""

from stocktake.detection.api import DetectionResult, FlaggedCell, detect_cell_errors
from stocktake.detection.oracle import LabelBudgetExceeded, LabelOracle
from stocktake.detection.table import StringTable, read_csv_strings
from stocktake.detection.transformer_head import TransformerHeadOptions

__all__ = [
    "DetectionResult",
    "FlaggedCell",
    "LabelBudgetExceeded",
    "LabelOracle",
    "StringTable",
    "TransformerHeadOptions",
    "detect_cell_errors",
    "read_csv_strings",
]
