// SPDX-License-Identifier: MIT
// Checkerboard fitting: the checkerboard task trained by fitClassifier for a fixed number of
// epochs.
#include <geoinr/core/classifier_fit.h>
#include <geoinr/core/error.h>
#include <geoinr/core/sphere_fit.h>

namespace geoinr::core
{

SphereFitResult runSphereFit(const SphereFitOptions& o, const ProgressSink& progress)
{
    if (o.epochs < 1 || o.batchSize < 1)
    {
        throw InvalidArgument("sphere-fit: epochs and batch size must be >= 1");
    }
    auto task = checkerboardTask(o.numSupport, o.numClasses, o.numSamples, o.numTest);
    task.validation = {}; // a fixed number of epochs: no early stopping
    ClassifierFitOptions fit;
    fit.encoder = o.encoder;
    fit.network = o.network;
    fit.maxEpochs = o.epochs;
    fit.patience = 0;
    fit.batchSize = o.batchSize;
    fit.learningRate = o.learningRate;
    fit.weightDecay = o.weightDecay;
    fit.seed = o.seed;
    fit.device = o.device;
    const auto r = fitClassifier(task, fit, progress);
    SphereFitResult result;
    result.trainAccuracy = r.trainAccuracy;
    result.testAccuracy = r.testAccuracy;
    result.finalLoss = r.finalTrainLoss;
    result.encoderDim = r.encoderDim;
    result.numParameters = r.numParameters;
    result.modelConfig = r.modelConfig;
    return result;
}

} // namespace geoinr::core
