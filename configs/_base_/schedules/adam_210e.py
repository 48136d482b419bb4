# mmpose's COCO schedule for its top-down heatmap models (its hourglass-52
# among them): Adam at 5e-4 for 210 epochs, a linear warm-up over 500
# iterations, the rate divided by 10 at epochs 170 and 200.
_base_ = ['../default_runtime.py']

train_cfg = dict(max_epochs=210, val_interval=10)
# --auto-scale-lr scales the rate linearly from mmpose's batch of 8 x 32
auto_scale_lr = dict(enable=False, base_batch_size=256)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=5e-4))
param_scheduler = [
    dict(
        type='LinearLR', begin=0, end=500, start_factor=0.001,
        by_epoch=False),
    dict(
        type='MultiStepLR',
        begin=0,
        end=210,
        milestones=[170, 200],
        gamma=0.1,
        by_epoch=True)
]
