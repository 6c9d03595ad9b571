"""Branching tree: a fractal drawn by recursive branching (the image's default application)."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import streamlit as st  # noqa: E402


def branches(depth, angle, ratio):
    """Segments of a binary tree: each branch splits in two, turned by +-angle and shortened by ratio."""
    segments = []
    tips = [(np.array([0.0, 0.0]), np.pi / 2, 1.0)]
    for _ in range(depth):
        grown = []
        for start, heading, length in tips:
            end = start + length * np.array([np.cos(heading), np.sin(heading)])
            segments.append((start, end))
            grown += [(end, heading + angle, length * ratio), (end, heading - angle, length * ratio)]
        tips = grown
    return segments


st.title("Branching tree")
depth = st.slider("Depth", 1, 14, 10)
angle = st.slider("Angle (degrees)", 5, 90, 25)
ratio = st.slider("Length ratio", 0.5, 0.9, 0.7)
segments = branches(depth, np.radians(angle), ratio)
st.write(f"{len(segments)} branches")
figure, axes = plt.subplots(figsize=(6, 6))
for start, end in segments:
    axes.plot([start[0], end[0]], [start[1], end[1]], color="forestgreen", linewidth=0.6)
axes.set_aspect("equal")
axes.axis("off")
st.pyplot(figure)
