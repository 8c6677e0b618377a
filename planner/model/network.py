"""The model of a city under one cost model: the priced routing graph every solve of a plan works on.

:func:`build_network` builds the routing graph of a city
(:func:`planner.model.graph.build_graph`: gaps in the road data up to the
scenario's ``max_gap_m`` bridged, each site joined to the road network of the
core when it is within the drop limit), prices every edge with the scenario's
cost model, derives the closure/crossing rules
(:class:`planner.model.quantities.RoadRules`) and labels the road-network
component of every node.  A :class:`Network` is reusable by every plan of the
same city with the same prices, deployment, core, drop limit and gap limit
(:meth:`Network.fits`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx

from planner.io.city import City
from planner.model.costs import CostModel
from planner.model.graph import build_graph, set_weights
from planner.model.quantities import RoadRules
from planner.model.scenario import Scenario


@dataclass(frozen=True)
class Network:
    """The model of a city under one cost model: what every solve of a plan works on.

    Attributes
    ----------
    graph
        Routing graph (projected), edge ``weight`` = base cost in IDR.
    model
        Prices and deployment rule.
    rules
        Where closures and crossings are counted.
    site_nodes
        Node of every placed site.
    component, component_km
        Road-network component of every node, and the road km of each component.
    city, price_overrides
        The city and the scenario's price overrides the network was built for.
    core_id, max_drop_m, max_gap_m
        The core, drop limit and gap limit the sites were joined and the gaps bridged with.
    gaps
        The links added across gaps in the road data (``from_node``, ``to_node``, ``length_m``).
    """

    graph: nx.MultiGraph
    model: CostModel
    rules: RoadRules
    site_nodes: Mapping[str, int]
    component: Mapping[int, int]
    component_km: Mapping[int, float]
    city: City
    price_overrides: Mapping[str, Mapping[str, float]]
    core_id: str | None = None
    max_drop_m: float = math.inf
    max_gap_m: float = 0.0
    gaps: tuple[Mapping[str, float], ...] = ()

    def fits(self, city: City, scenario: Scenario) -> bool:
        """True when this network is the model of ``city`` under ``scenario``'s prices, deployment and limits."""
        return (self.city is city and dict(self.model.deployment) == dict(scenario.deployment)
                and _overrides(self.price_overrides) == _overrides(scenario.price_overrides)
                and self.core_id == core_of(city, scenario) and self.max_drop_m == scenario.max_drop_m
                and self.max_gap_m == scenario.max_gap_m)

    @property
    def gap_km(self) -> float:
        """Length of the links across gaps in the road data, km (those a design uses are priced)."""
        return sum(float(g["length_m"]) for g in self.gaps) / 1000


def _overrides(o: Mapping[str, Mapping[str, float]]) -> tuple:
    return tuple(sorted((k, tuple(sorted(v.items()))) for k, v in o.items()))


def core_of(city: City, scenario: Scenario) -> str | None:
    """The core site id a scenario uses on a city: ``select.core``, else the city's ``is_core`` site (or None)."""
    if scenario.core is not None:
        return scenario.core
    cores = city.facilities.loc[city.facilities["is_core"], "id"]
    return None if cores.empty else str(cores.iloc[0])


def build_network(city: City, scenario: Scenario) -> Network:
    """The routing graph of ``city`` priced with ``scenario``'s cost model, with its rules and components.

    ``O((R + S) log R)`` for R road lines and S sites (see :func:`planner.model.graph.build_graph`).
    """
    model = CostModel(city.prices.with_overrides(scenario.price_overrides, scenario.source or "scenario"),
                      scenario.deployment)
    placed = city.facilities[city.facilities["placed"]]
    core = core_of(city, scenario)
    G = build_graph(city.roads, placed[["id", "geometry"]], city.crs, city.existing_fiber, core_id=core,
                    max_drop_m=scenario.max_drop_m, max_gap_m=scenario.max_gap_m)
    set_weights(G, model)
    component: dict[int, int] = {}
    km: dict[int, float] = {}
    for i, comp in enumerate(sorted(nx.connected_components(G), key=min)):
        km[i] = sum(d["length_m"] for _, _, d in G.subgraph(comp).edges(data=True)
                    if d["kind"] == "road" and not d.get("gap")) / 1000
        for n in comp:
            component[n] = i
    return Network(G, model, RoadRules.of(G), dict(G.graph["site_nodes"]), component, km, city,
                   dict(scenario.price_overrides), core, scenario.max_drop_m, scenario.max_gap_m,
                   tuple(G.graph.get("gaps", ())))


__all__ = ["Network", "build_network", "core_of"]
