"""Stocktake: take stock of the data assets behind an e-commerce search & recommendation business."""
