# Eight stacked hourglasses on COCO keypoints (see hg2_coco.py).
_base_ = ['./hg2_coco.py']
model = dict(backbone=dict(num_stacks=8))
