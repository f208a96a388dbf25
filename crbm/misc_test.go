package crbm

import "github.com/boltzmann-go/boltzmann/train"

func trainOrder(n int, seed int64, epoch int) []int { return train.Order(n, seed, epoch, false) }
