# hg2_coco.py on synthetic pictures of several people in COCO's format
# (tools/make_synthetic_data.py --coco), sized for a 2-core CPU as the MPII
# demo (hg2_synthetic.py): 64 features and a halved stem, 128x96 crops,
# Adam with a cosine decay, milder scaling and rotation than mmpose's COCO
# pipeline and no half-body crops (the generator already sizes, turns and
# cuts the figures). Tested as hg2_coco.py: the synthetic detections of val
# (ground-truth boxes, jittered), flip test, OKS AP.
_base_ = ['./hg2_coco.py']

train_cfg = dict(max_epochs=4, val_interval=4)
randomness = dict(seed=0)
optim_wrapper = dict(
    optimizer=dict(_delete_=True, type='Adam', lr=1.5e-3, fused=True))
param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        T_max=4,
        eta_min=1e-5,
        by_epoch=True,
        convert_to_iter_based=True)
]

codec = dict(type='GaussianHeatmap', input_size=(96, 128), sigma=2.)
model = dict(
    backbone=dict(feat_channels=64, stem_channels=(32, 64)),
    head=dict(decoder=codec))

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(
        type='RandomBBoxTransform',
        scale_factor=(0.75, 1.25),
        rotate_factor=30),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs')
]

data_root = 'data/coco_synthetic/'
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=32,
    num_workers=2,
    dataset=dict(
        data_root=data_root,
        bbox_file=data_root + 'person_detection_results/'
        'detections_val2017.json',
        pipeline=val_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(
    ann_file=data_root + 'annotations/person_keypoints_val2017.json')
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(interval=1))
