#!/usr/bin/env python3
"""Writes the golden vectors of distill's distillation methods to test/fixtures/golden/<method>.json, from the numpy
reference implementations beside this file (one module per method, each written from its paper's equations).

    python3 test/reference/generate.py           # write the fixtures
    python3 test/reference/generate.py --check   # recompute and compare with the committed fixtures (exit 1 on a
                                                 # difference), and check the PyTorch vectors of losses.json

Every input is a multiple of 1/1024 (exact in float32 and in float64), so the TypeScript tests feed the very same
numbers to tfjs's float32 kernels; values and gradients are computed in float64, gradients by central differences.
Each method has its own random generator, so a change to one method's cases leaves the others' fixtures unchanged.
"""

import json
import sys
from pathlib import Path

import numpy as np

import attention_transfer as at
import binary_cross_entropy as bce
import soft_target_cross_entropy as stce
import built_in_losses
import crd
import dkd
import fitnets
import logit_standardization as ls
import pkt
import rkd
import similarity_preserving as sp
from numeric_gradient import numeric_gradients

FIXTURES = Path(__file__).resolve().parent.parent / 'fixtures' / 'golden'
GENERATOR = f'numpy {np.__version__} (float64), test/reference/generate.py; gradients by central differences'


def random_values(rng, shape, scale=1.0):
    """Normal values rounded to multiples of 1/1024, so float32 holds them exactly."""
    return np.round(rng.standard_normal(shape) * scale * 1024) / 1024


def rng_for(method):
    return np.random.default_rng([20240601, sum(ord(c) for c in method)])


def as_json(value):
    """Arrays (and lists of arrays, one per layer pair) as nested lists."""
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value.tolist() if isinstance(value, np.ndarray) else value


def golden_case(name, params, inputs, loss, wrt, **expected):
    """A fixture case: the inputs, loss(**inputs), and its gradients with respect to the inputs named in wrt."""
    gradients = numeric_gradients(loss, inputs, wrt)
    return {
        'name': name,
        'params': params,
        'inputs': {k: as_json(v) for k, v in inputs.items()},
        'expected': {'loss': loss(**inputs), **expected, 'gradients': {k: as_json(g) for k, g in gradients.items()}},
    }


def attention_transfer_cases():
    rng = rng_for('attention-transfer')
    specs = [
        ('two layer pairs, F_sum^2, squared distance, beta 1000 each (the common convention)',
         [(2, 4, 4, 3), (2, 2, 2, 5)], [(2, 4, 4, 6), (2, 2, 2, 4)], {'betas': [1000, 1000], 'p': 2, 'distance': 'squared'}),
        ('one pair, Eq. (2) as printed (euclidean distance), beta 250',
         [(3, 3, 3, 2)], [(3, 3, 3, 4)], {'betas': [250], 'p': 2, 'distance': 'euclidean'}),
        ('one pair, F_sum^4, squared distance, beta 1000',
         [(2, 3, 2, 3)], [(2, 3, 2, 3)], {'betas': [1000], 'p': 4, 'distance': 'squared'}),
    ]
    return [
        golden_case(name, params,
                    {'studentMaps': [random_values(rng, s) for s in student], 'teacherMaps': [random_values(rng, s) for s in teacher]},
                    lambda studentMaps, teacherMaps, params=params: at.attention_transfer_loss(
                        studentMaps, teacherMaps, params['betas'], params['p'], params['distance']),
                    ['studentMaps'])
        for name, student, teacher, params in specs
    ]


def fitnets_cases():
    rng = rng_for('fitnets')
    return [
        golden_case(name, {}, {'regressedStudent': random_values(rng, shape), 'teacherHint': random_values(rng, shape)},
                    lambda regressedStudent, teacherHint: fitnets.fitnets_hint_loss(regressedStudent, teacherHint), ['regressedStudent'])
        for name, shape in [('conv hint, NHWC 2x3x3x4', (2, 3, 3, 4)), ('dense hint, 3x5', (3, 5))]
    ]


def pkt_cases():
    rng = rng_for('pkt')
    return [
        golden_case(name, {'epsilon': pkt.EPSILON}, {'student': random_values(rng, (n, ds)), 'teacher': random_values(rng, (n, dt))},
                    lambda student, teacher: pkt.pkt_loss(student, teacher), ['student'])
        for name, n, ds, dt in [('6 samples, student width 4, teacher width 8', 6, 4, 8), ('4 samples, widths 3', 4, 3, 3)]
    ]


def rkd_cases():
    rng = rng_for('rkd')
    # A different example far from the others on each side: some distance potentials differ by more than 1.
    outlier_student, outlier_teacher = random_values(rng, (5, 3)), random_values(rng, (5, 6))
    outlier_student[0] += 10
    outlier_teacher[2] += 10
    psi_s, psi_t = rkd.distance_potentials(outlier_student), rkd.distance_potentials(outlier_teacher)
    assert any(abs(psi_s[p] - psi_t[p]) > 1 for p in psi_t), 'the outlier case must reach the linear part of the Huber loss'
    specs = [
        ('5 samples, student width 3, teacher width 6, an outlier on each side (the linear part of the Huber loss)',
         outlier_student, outlier_teacher, {'distanceWeight': rkd.DISTANCE_WEIGHT, 'angleWeight': rkd.ANGLE_WEIGHT}),
        ('4 samples, widths 2, the metric-learning weights 1 and 2',
         random_values(rng, (4, 2)), random_values(rng, (4, 2)), {'distanceWeight': 1.0, 'angleWeight': 2.0}),
    ]
    return [
        golden_case(name, params, {'student': student, 'teacher': teacher},
                    lambda student, teacher, params=params: rkd.rkd_loss(student, teacher, params['distanceWeight'], params['angleWeight']),
                    ['student'], distance=rkd.rkd_distance_loss(student, teacher), angle=rkd.rkd_angle_loss(student, teacher))
        for name, student, teacher, params in specs
    ]


def similarity_preserving_cases():
    rng = rng_for('similarity-preserving')
    specs = [
        ('one pair of conv maps with different spatial sizes', [(4, 2, 2, 3)], [(4, 3, 3, 2)]),
        ('two pairs: dense layers of widths 6 and 10, and conv maps', [(5, 6), (5, 2, 2, 2)], [(5, 10), (5, 2, 2, 3)]),
    ]
    return [
        golden_case(name, {}, {'studentMaps': [random_values(rng, s) for s in student], 'teacherMaps': [random_values(rng, s) for s in teacher]},
                    lambda studentMaps, teacherMaps: sp.similarity_preserving_loss(studentMaps, teacherMaps), ['studentMaps'])
        for name, student, teacher in specs
    ]


def dkd_cases():
    rng = rng_for('dkd')
    specs = [
        ('CIFAR-100 defaults alpha 1, beta 8, T 4; 5 samples, 6 classes', (5, 6), 3.0, {'alpha': dkd.ALPHA, 'beta': dkd.BETA, 'temperature': dkd.TEMPERATURE}),
        ('alpha 1, beta 2, T 1; a confident teacher (logits of scale 12)', (4, 5), 12.0, {'alpha': 1.0, 'beta': 2.0, 'temperature': 1.0}),
    ]
    cases = []
    for name, shape, teacher_scale, params in specs:
        student, teacher = random_values(rng, shape, 3.0), random_values(rng, shape, teacher_scale)
        labels = rng.integers(0, shape[1], shape[0])
        temperature = params['temperature']
        # Self-check of the reference: §3.1's decomposition gives back the classical KD loss.
        classical = built_in_losses.kl_mean_over_batch(teacher, student, temperature) * temperature ** 2
        assert abs(dkd.classical_kd_from_terms(student, teacher, labels, temperature) - classical) < 1e-10
        terms = [dkd.decoupled_terms(s, t, y, temperature) for s, t, y in zip(student, teacher, labels)]
        cases.append(golden_case(
            name, params, {'studentLogits': student, 'teacherLogits': teacher, 'labels': labels},
            lambda studentLogits, teacherLogits, labels, params=params: dkd.dkd_loss(studentLogits, teacherLogits, labels, **params),
            ['studentLogits'],
            tckd=temperature ** 2 * float(np.mean([tckd for tckd, _, _ in terms])),
            nckd=temperature ** 2 * float(np.mean([nckd for _, nckd, _ in terms]))))
    return cases


def dkd_warm_up():
    return [{'epoch': e, 'warmupEpochs': w, 'factor': dkd.warm_up_factor(e, w)} for e, w in [(0, 20), (9, 20), (18, 20), (19, 20), (50, 20), (0, 1)]]


def logit_standardization_cases():
    rng = rng_for('logit-standardization')
    student, teacher = random_values(rng, (4, 5), 2.0), random_values(rng, (4, 5), 10.0)
    kd = golden_case(
        'KD on standardised logits, base temperature 2; the teacher logits 5x larger than the student ones',
        {'temperature': ls.BASE_TEMPERATURE, 'epsilon': ls.EPSILON}, {'studentLogits': student, 'teacherLogits': teacher},
        lambda studentLogits, teacherLogits: ls.standardized_kd_loss(studentLogits, teacherLogits, ls.BASE_TEMPERATURE), ['studentLogits'])
    params = {'alpha': dkd.ALPHA, 'beta': dkd.BETA, 'temperature': ls.BASE_TEMPERATURE, 'epsilon': ls.EPSILON}
    standardized_dkd = golden_case(
        'DKD (alpha 1, beta 8) on standardised logits, base temperature 2', params,
        {'studentLogits': random_values(rng, (5, 6), 1.0), 'teacherLogits': random_values(rng, (5, 6), 6.0), 'labels': rng.integers(0, 6, 5)},
        lambda studentLogits, teacherLogits, labels: ls.standardized_dkd_loss(
            studentLogits, teacherLogits, labels, params['alpha'], params['beta'], params['temperature']),
        ['studentLogits'])
    return [{'kind': 'kd', **kd}, {'kind': 'dkd', **standardized_dkd}]


def logit_standardization_z_scores():
    logits = random_values(rng_for('logit-standardization z-scores'), (4, 5), 10.0)
    return {'epsilon': ls.EPSILON, 'logits': logits.tolist(), 'standardized': [ls.standardize(z).tolist() for z in logits]}


def unit_rows(rng, shape):
    rows = random_values(rng, shape)
    return rows / np.sqrt(np.sum(rows * rows, axis=1, keepdims=True))


def crd_cases():
    rng = rng_for('crd')
    batch, student_width, teacher_width, embedding, data_size, negatives = 4, 6, 5, 4, 10, 3
    cases = []
    for name, estimate_z in [('Z = 1 (the critic as printed), tau 0.07', False),
                             ('Z estimated on this batch as the first one (the released implementation), tau 0.07', True)]:
        heads = {
            'studentKernel': random_values(rng, (student_width, embedding), 0.5),
            'studentBias': random_values(rng, (embedding,), 0.1),
            'teacherKernel': random_values(rng, (teacher_width, embedding), 0.5),
            'teacherBias': random_values(rng, (embedding,), 0.1),
        }
        features = {'studentFeatures': random_values(rng, (batch, student_width)), 'teacherFeatures': random_values(rng, (batch, teacher_width))}
        # The released code starts its banks as uniform noise; unit rows are what they hold after the first updates.
        banks = {'studentMemory': unit_rows(rng, (data_size, embedding)), 'teacherMemory': unit_rows(rng, (data_size, embedding))}
        sample_ids = rng.permutation(data_size)[:batch]
        negative_indices = np.array([rng.choice([i for i in range(data_size) if i != own], negatives, replace=False) for own in sample_ids])
        v_s = crd.embed(features['studentFeatures'], heads['studentKernel'], heads['studentBias'])
        v_t = crd.embed(features['teacherFeatures'], heads['teacherKernel'], heads['teacherBias'])
        rows = crd.candidates(sample_ids, negative_indices)
        estimated = {
            'student': crd.estimated_normalizer(v_s, banks['teacherMemory'], rows, crd.TEMPERATURE),
            'teacher': crd.estimated_normalizer(v_t, banks['studentMemory'], rows, crd.TEMPERATURE),
        }
        normalizers = estimated if estimate_z else {'student': 1.0, 'teacher': 1.0}

        def loss(studentFeatures, teacherFeatures, studentKernel, studentBias, teacherKernel, teacherBias,
                 studentMemory, teacherMemory, sampleIds, negativeIndices, normalizers=normalizers):
            return crd.crd_loss(studentFeatures, teacherFeatures, studentKernel, studentBias, teacherKernel, teacherBias,
                                studentMemory, teacherMemory, sampleIds, negativeIndices, crd.TEMPERATURE,
                                normalizers['student'], normalizers['teacher'])

        cases.append(golden_case(
            name, {'temperature': crd.TEMPERATURE, 'momentum': crd.MOMENTUM, 'normalizers': normalizers},
            {**features, **heads, **banks, 'sampleIds': sample_ids, 'negativeIndices': negative_indices}, loss,
            ['studentFeatures', 'studentKernel', 'studentBias', 'teacherKernel', 'teacherBias'],
            estimatedNormalizers=estimated,
            updatedStudentMemory=crd.updated_memory(banks['studentMemory'], v_s, sample_ids, crd.MOMENTUM).tolist(),
            updatedTeacherMemory=crd.updated_memory(banks['teacherMemory'], v_t, sample_ids, crd.MOMENTUM).tolist()))
    return cases


# method: (paper, cases, extra keys of its fixture)
def binary_cross_entropy_cases():
    rng = rng_for('binary-cross-entropy')
    specs = [
        ('every sample labelled, 3 samples × 4 classes', (3, 4), [1, 1, 1], 2.0),
        ('a transfer-set sample (mask 0) is not counted', (4, 3), [1, 0, 1, 1], 3.0),
        ('large logits: the stable form must not overflow', (2, 5), [1, 1], 5.0),
    ]
    cases = []
    for name, shape, mask, scale in specs:
        inputs = {
            'studentLogits': random_values(rng, shape, scale),
            'targets': (rng.random(shape) < 0.4).astype(np.float64),
            'labelMask': np.asarray(mask, dtype=np.float64),
        }
        cases.append(golden_case(name, {}, inputs, bce.masked_binary_cross_entropy, ['studentLogits']))
    return cases


def soft_target_cross_entropy_cases():
    rng = rng_for('soft-target-cross-entropy')
    specs = [
        ('mixed pairs, λ = 0.75, 4 samples × 3 classes', (4, 3), [1, 1, 1, 1], 0.75, 0.0),
        ('a sample mixed with an unlabelled one (mask 0) is not counted', (3, 5), [1, 0, 1], 0.625, 0.0),
        ('mixed targets with label smoothing 0.1', (4, 4), [1, 1, 1, 1], 0.5, 0.1),
    ]
    cases = []
    for name, shape, mask, lam, smoothing in specs:
        n, classes = shape
        first = np.eye(classes)[rng.integers(0, classes, n)]
        second = first[rng.permutation(n)]
        inputs = {
            'studentLogits': random_values(rng, shape, 2.0),
            'softTargets': lam * first + (1 - lam) * second,
            'labelMask': np.asarray(mask, dtype=np.float64),
        }
        loss = lambda studentLogits, softTargets, labelMask, s=smoothing: stce.soft_target_cross_entropy(studentLogits, softTargets, labelMask, s)
        cases.append(golden_case(name, {'labelSmoothing': smoothing}, inputs, loss, ['studentLogits']))
    return cases


METHODS = {
    'attention-transfer': ('Zagoruyko & Komodakis, Paying More Attention to Attention, ICLR 2017', attention_transfer_cases, {}),
    'fitnets': ('Romero et al., FitNets: Hints for Thin Deep Nets, ICLR 2015', fitnets_cases, {}),
    'pkt': ('Passalis & Tefas, Learning Deep Representations with Probabilistic Knowledge Transfer, ECCV 2018', pkt_cases, {}),
    'rkd': ('Park, Kim, Lu & Cho, Relational Knowledge Distillation, CVPR 2019', rkd_cases, {}),
    'similarity-preserving': ('Tung & Mori, Similarity-Preserving Knowledge Distillation, ICCV 2019', similarity_preserving_cases, {}),
    'dkd': ('Zhao, Cui, Song, Qiu & Liang, Decoupled Knowledge Distillation, CVPR 2022', dkd_cases, {'warmUp': dkd_warm_up}),
    'logit-standardization': ('Sun, Ren, Li, Wang & Cao, Logit Standardization in Knowledge Distillation, CVPR 2024', logit_standardization_cases,
                              {'zScores': logit_standardization_z_scores}),
    'crd': ('Tian, Krishnan & Isola, Contrastive Representation Distillation, ICLR 2020', crd_cases, {}),
    'binary-cross-entropy': ('the definition of binary cross-entropy for independent sigmoid outputs (multi-label classification)',
                             binary_cross_entropy_cases, {}),
    'soft-target-cross-entropy': ('cross-entropy against mixed class distributions: Zhang et al., mixup, ICLR 2018; Yun et al., CutMix, ICCV 2019',
                                  soft_target_cross_entropy_cases, {}),
}


def fixture(method):
    paper, cases, extras = METHODS[method]
    content = {'method': method, 'paper': paper, 'reference': f'test/reference/{method.replace("-", "_")}.py', 'generator': GENERATOR, 'cases': cases()}
    return {**content, **{key: make() for key, make in extras.items()}}


def dumps(content):
    """One key per line, one case per line: readable diffs without a line per number."""
    lines = []
    for key, value in content.items():
        if isinstance(value, list):
            items = ',\n'.join(f'    {json.dumps(item)}' for item in value)
            lines.append(f'  {json.dumps(key)}: [\n{items}\n  ]')
        else:
            lines.append(f'  {json.dumps(key)}: {json.dumps(value)}')
    return '{\n' + ',\n'.join(lines) + '\n}\n'


def numbers(value, path=''):
    """(path, number) pairs of a JSON value, in order."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from numbers(v, f'{path}/{k}')
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from numbers(v, f'{path}/{i}')
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield path, value


def differences(expected, actual, tolerance):
    """Places where two JSON values differ: in structure, in text, or in a number by more than the tolerance."""
    found = []
    a, b = list(numbers(expected)), list(numbers(actual))
    if [p for p, _ in a] != [p for p, _ in b]:
        return ['the structure differs']
    for (path, x), (_, y) in zip(a, b):
        if abs(x - y) > tolerance * max(1.0, abs(x)):
            found.append(f'{path}: committed {x}, recomputed {y}')
    return found


def check_torch_losses():
    """The PyTorch vectors of losses.json against the numpy definitions (float32 results: 1e-5, relative above 1)."""
    golden = json.loads((FIXTURES / 'losses.json').read_text())
    problems = []
    for i, case in enumerate(golden['cases']):
        expected = case['expected']
        if case['loss'] == 'kl-divergence':
            kl = built_in_losses.kl_mean_over_batch(case['teacherLogits'], case['studentLogits'], case['temperature'])
            computed = {'klMeanOverBatch': kl, 'klTimesTSquared': kl * case['temperature'] ** 2}
        elif case['loss'].startswith('cross-entropy'):
            key = 'meanOverLabeled' if 'meanOverLabeled' in expected else 'mean'
            computed = {key: built_in_losses.cross_entropy_over_labeled(case['studentLogits'], case['labels'])}
        elif case['loss'] == 'feature-mse':
            computed = {'meanOverAllElements': built_in_losses.feature_mse(case['studentFeatures'], case['teacherFeatures'])}
        else:
            problems.append(f'losses.json case {i}: unknown loss {case["loss"]}')
            continue
        for key, value in computed.items():
            if abs(value - expected[key]) > 1e-5 * max(1.0, abs(value)):
                problems.append(f'losses.json case {i} ({case["loss"]}) {key}: PyTorch {expected[key]}, numpy {value}')
    return problems


def main(argv):
    check = '--check' in argv
    problems = []
    for method in METHODS:
        path = FIXTURES / f'{method}.json'
        content = fixture(method)
        if check:
            if not path.exists():
                problems.append(f'{path.name}: missing')
                continue
            committed = json.loads(path.read_text())
            found = differences(committed, json.loads(dumps(content)), 1e-9)
            problems += [f'{path.name}{d}' for d in found[:10]] + ([f'{path.name}: … {len(found) - 10} more'] if len(found) > 10 else [])
        else:
            path.write_text(dumps(content))
            print(f'wrote {path.relative_to(FIXTURES.parent.parent.parent)} ({len(content["cases"])} cases)')
    if check:
        problems += check_torch_losses()
        for problem in problems:
            print(problem)
        print('golden vectors: ' + ('differences found' if problems else 'the committed fixtures match the references'))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
