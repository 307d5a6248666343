run scenarios/veth-basics.nls
