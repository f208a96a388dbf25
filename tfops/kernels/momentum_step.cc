// BoltzmannMomentumStep: one classical-momentum step with weight decay, fused into a single
// pass over the parameters. For every element
//
//   g'  = decay == 0 ? grad : grad - decay * var
//   acc = accum * momentum - g' * lr
//   var = var + acc
//
// which is, operation by operation and rounding by rounding, what boltzmann-go's graphs compute
// with an L2 op followed by TensorFlow's ResourceApplyKerasMomentum (lr is the negated learning
// rate, as that op takes it). The unfused ops pass over the weights eight times per update; this
// kernel five (reads var, accum, grad; writes the two results). Built with -ffp-contract=off so
// that no multiply-add is contracted and the results stay bit-identical to the unfused graph.
//
// The op is stateless: it returns the new parameters and velocities, which the graph assigns to
// its resource variables (AssignVariableOp takes the buffers without a copy).

#define EIGEN_USE_THREADS

#include "tensorflow/core/framework/op.h"
#include "tensorflow/core/framework/op_kernel.h"
#include "tensorflow/core/framework/shape_inference.h"
#include "unsupported/Eigen/CXX11/Tensor"

namespace {

using tensorflow::DEVICE_CPU;
using tensorflow::OpKernel;
using tensorflow::OpKernelConstruction;
using tensorflow::OpKernelContext;
using tensorflow::Tensor;
using tensorflow::TensorShapeUtils;
using tensorflow::errors::InvalidArgument;

REGISTER_OP("BoltzmannMomentumStep")
    .Input("var: T")
    .Input("accum: T")
    .Input("grad: T")
    .Input("lr: T")
    .Input("momentum: T")
    .Input("decay: T")
    .Output("new_var: T")
    .Output("new_accum: T")
    .Attr("T: {float, double}")
    .SetShapeFn([](tensorflow::shape_inference::InferenceContext* c) {
      tensorflow::shape_inference::ShapeHandle s;
      TF_RETURN_IF_ERROR(c->Merge(c->input(0), c->input(1), &s));
      TF_RETURN_IF_ERROR(c->Merge(s, c->input(2), &s));
      for (int i = 3; i < 6; ++i) {
        tensorflow::shape_inference::ShapeHandle unused;
        TF_RETURN_IF_ERROR(c->WithRank(c->input(i), 0, &unused));
      }
      c->set_output(0, s);
      c->set_output(1, s);
      return absl::OkStatus();
    })
    .Doc("One classical-momentum step with weight decay in one pass (boltzmann-go).");

template <typename T>
class MomentumStepOp : public OpKernel {
 public:
  explicit MomentumStepOp(OpKernelConstruction* ctx) : OpKernel(ctx) {}

  void Compute(OpKernelContext* ctx) override {
    const Tensor& var = ctx->input(0);
    const Tensor& accum = ctx->input(1);
    const Tensor& grad = ctx->input(2);
    OP_REQUIRES(ctx, var.shape() == accum.shape() && var.shape() == grad.shape(),
                InvalidArgument("BoltzmannMomentumStep: var ", var.shape().DebugString(), ", accum ",
                                accum.shape().DebugString(), " and grad ", grad.shape().DebugString(),
                                " differ in shape"));
    for (int i = 3; i < 6; ++i) {
      OP_REQUIRES(ctx, TensorShapeUtils::IsScalar(ctx->input(i).shape()),
                  InvalidArgument("BoltzmannMomentumStep: input ", i, " is not a scalar"));
    }
    const T lr = ctx->input(3).scalar<T>()();
    const T mom = ctx->input(4).scalar<T>()();
    const T decay = ctx->input(5).scalar<T>()();
    Tensor* new_var = nullptr;
    Tensor* new_accum = nullptr;
    OP_REQUIRES_OK(ctx, ctx->allocate_output(0, var.shape(), &new_var));
    OP_REQUIRES_OK(ctx, ctx->allocate_output(1, var.shape(), &new_accum));
    const T* v = var.flat<T>().data();
    const T* a = accum.flat<T>().data();
    const T* g = grad.flat<T>().data();
    T* nv = new_var->flat<T>().data();
    T* na = new_accum->flat<T>().data();
    const Eigen::Index n = var.NumElements();
    // Per element: 3 reads and 2 writes; about 6 arithmetic operations.
    const Eigen::TensorOpCost cost(3 * sizeof(T), 2 * sizeof(T), 6);
    auto step = [=](Eigen::Index first, Eigen::Index last) {
      if (decay == T(0)) {
        for (Eigen::Index i = first; i < last; ++i) {
          const T acc = a[i] * mom - g[i] * lr;
          na[i] = acc;
          nv[i] = v[i] + acc;
        }
      } else {
        for (Eigen::Index i = first; i < last; ++i) {
          const T gd = g[i] - decay * v[i];
          const T acc = a[i] * mom - gd * lr;
          na[i] = acc;
          nv[i] = v[i] + acc;
        }
      }
    };
    ctx->eigen_device<Eigen::ThreadPoolDevice>().parallelFor(n, cost, step);
  }
};

REGISTER_KERNEL_BUILDER(Name("BoltzmannMomentumStep").Device(DEVICE_CPU).TypeConstraint<float>("T"),
                        MomentumStepOp<float>);
REGISTER_KERNEL_BUILDER(Name("BoltzmannMomentumStep").Device(DEVICE_CPU).TypeConstraint<double>("T"),
                        MomentumStepOp<double>);

}  // namespace
