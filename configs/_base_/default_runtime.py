# mmpose's runtime (hooks, logging, visualizer) with the plugin's parts; a
# run whose model and datasets disagree on the number of keypoints stops
# at start-up, saying which config key to change.
_base_ = ['mmpose::_base_/default_runtime.py']
custom_imports = dict(imports=['hg_plugin'], allow_failed_imports=False)
default_hooks = dict(logger=dict(interval=50))
custom_hooks = [dict(type='KeypointCountCheckHook')]
