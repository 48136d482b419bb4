from .autocast_optim_wrapper import AutocastOptimWrapper, cpu_supports_bf16

__all__ = ['AutocastOptimWrapper', 'cpu_supports_bf16']
